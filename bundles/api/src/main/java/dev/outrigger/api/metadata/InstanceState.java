package dev.outrigger.api.metadata;

/** What an operator asked of an instance with start/stop; RUNNING unless stopped. */
public enum InstanceState {
    RUNNING,
    STOPPED
}

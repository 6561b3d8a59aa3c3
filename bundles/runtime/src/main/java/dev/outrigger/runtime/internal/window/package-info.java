/**
 * Windowed functions for the thread runtime: Pulsar's windowing semantics (count, processing-time and event-time
 * windows, watermarks, late data, acknowledgements) as a self-contained engine the instance feeds record by record.
 */
package dev.outrigger.runtime.internal.window;

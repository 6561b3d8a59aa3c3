package dev.outrigger.scheduler.internal;

/**
 * What the scheduler and the tailer read from the configuration: where the assignments topic is, the ceiling, and how
 * a lost worker is handled.
 */
@interface AssignmentConfiguration {

    String pulsarFunctionsNamespace() default "public/functions";

    String functionAssignmentTopicName() default "assignments";

    /** From the worker configuration (the scheduler's only); a String so a bad value falls back to the default. */
    String functionInstanceMaxParallelism() default "";

    /** Pulsar's keys, from the worker configuration: how often membership is checked, how long a worker is waited for. */
    String failureCheckFreqMs() default "";

    String rescheduleTimeoutMs() default "";
}

package dev.outrigger.scheduler.internal;

/** What the scheduler and the tailer read from the configuration: where the assignments topic is, the ceiling. */
@interface AssignmentConfiguration {

    String pulsarFunctionsNamespace() default "public/functions";

    String functionAssignmentTopicName() default "assignments";

    /** From the worker configuration (the scheduler's only); a String so a bad value falls back to the default. */
    String functionInstanceMaxParallelism() default "";
}

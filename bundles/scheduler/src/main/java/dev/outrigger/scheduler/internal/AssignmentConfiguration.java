package dev.outrigger.scheduler.internal;

/** What the scheduler and the tailer read from the cluster configuration: where the assignments topic is. */
@interface AssignmentConfiguration {

    String pulsarFunctionsNamespace() default "public/functions";

    String functionAssignmentTopicName() default "assignments";
}

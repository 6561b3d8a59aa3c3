package dev.outrigger.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Issue 11 (RestFuzzIT): exception class names wrapped into a message do not reach the caller's reason. */
class ErrorBodyTest {

    // issue 11 (RestFuzzIT): url function://nosuch answered this reason, class names and all
    @Test
    void wrappedExceptionNamesAreLeftOut() {
        assertEquals("Invalid package name 'function://nosuch'", ErrorBody.readable(
                "com.google.common.util.concurrent.UncheckedExecutionException: java.lang.IllegalArgumentException: "
                        + "Invalid package name 'function://nosuch'"));
        assertEquals("Cannot upload package p: Invalid package name 'p'", ErrorBody.readable(
                "Cannot upload package p: java.lang.IllegalArgumentException: Invalid package name 'p'"));
        assertEquals("Invalid package name", ((ErrorBody) ErrorBody.response(400,
                "java.lang.IllegalArgumentException: Invalid package name").getEntity()).reason());
    }

    @Test
    void ordinaryReasonsAreKept() {
        for (String reason : new String[] {"Function f doesn't exist",
            "User class must be in class path: com.example.MyException",
            "Cannot invoke \"org.apache.Foo.bar()\" because \"spec\" is null", "Exception: x", ""}) {
            assertEquals(reason, ErrorBody.readable(reason));
        }
    }
}

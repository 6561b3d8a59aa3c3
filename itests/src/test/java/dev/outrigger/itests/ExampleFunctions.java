package dev.outrigger.itests;

import java.util.List;
import org.apache.pulsar.common.functions.FunctionConfig;

/** Function configurations over Pulsar's examples jar that several tests register. */
final class ExampleFunctions {

    static final String EXCLAMATION = "org.apache.pulsar.functions.api.examples.ExclamationFunction";

    private ExampleFunctions() {
    }

    /** ExclamationFunction as {@code public/<namespace>/<name>}, reading {@code <name>-in}, writing {@code <name>-out}. */
    static FunctionConfig exclamation(String namespace, String name) {
        FunctionConfig function = new FunctionConfig();
        function.setTenant("public");
        function.setNamespace(namespace);
        function.setName(name);
        function.setClassName(EXCLAMATION);
        function.setInputs(List.of("persistent://public/" + namespace + "/" + name + "-in"));
        function.setOutput("persistent://public/" + namespace + "/" + name + "-out");
        function.setRuntime(FunctionConfig.Runtime.JAVA);
        return function;
    }
}

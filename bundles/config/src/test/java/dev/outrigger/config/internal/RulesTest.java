package dev.outrigger.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            pulsar://localhost:6650                | true
            pulsar+ssl://broker.example.com:6651/  | true
            PULSAR://localhost:6650                | true
            pulsar://a:6650,b:6650,c:6650          | true
            pulsar://[::1]:6650                    | true
            pulsar://localhost                     | false
            pulsar://localhost:0                   | false
            pulsar://localhost:65536               | false
            pulsar://localhost:port                | false
            pulsar://a:6650,                       | false
            pulsar://user@localhost:6650           | false
            pulsar:///                             | false
            http://localhost:6650                  | false
            localhost:6650                         | false
            """)
    void pulsarServiceUrl(String url, boolean valid) {
        assertEquals(valid, Rules.pulsarServiceUrl(url));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            http://localhost:8080                  | true
            https://broker.example.com             | true
            http://a:8080,b:8080/                  | true
            https://localhost:8443/admin           | true
            http://                                | false
            http://localhost:70000                 | false
            https://local host                     | false
            pulsar://localhost:8080                | false
            """)
    void webServiceUrl(String url, boolean valid) {
        assertEquals(valid, Rules.webServiceUrl(url));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            public/functions    | true
            my-tenant/ns.v2     | true
            functions           | false
            /functions          | false
            public/             | false
            a/b/c               | false
            public/fun ctions   | false
            """)
    void namespace(String namespace, boolean valid) {
        assertEquals(valid, Rules.namespace(namespace));
    }
}

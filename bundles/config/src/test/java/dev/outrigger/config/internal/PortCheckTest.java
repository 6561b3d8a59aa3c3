package dev.outrigger.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortCheckTest {

    @Test
    void portWithALiveListenerIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Optional<String> problem = PortCheck.BIND.problem("127.0.0.1", port);

            assertTrue(problem.isPresent());
            assertTrue(problem.get().startsWith("workerPort " + port + " is already in use on 127.0.0.1 ("),
                    problem.get());
        }
    }

    @Test
    void wildcardAddressConflictsWithAListenerOnLoopback() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(PortCheck.BIND.problem("0.0.0.0", taken.getLocalPort()).isPresent());
        }
    }

    @Test
    void freePortCanBeBoundAndIsReleasedAtOnce() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        assertEquals(Optional.empty(), PortCheck.BIND.problem("127.0.0.1", port));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // the check did not keep it
        }
    }

    @Test
    void addressOfAnotherHostCannotBeBound() {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): never an address of this host
        Optional<String> problem = PortCheck.BIND.problem("192.0.2.1", 6750);

        assertTrue(problem.isPresent());
        assertTrue(problem.get().startsWith("workerPort 6750 cannot be bound on 192.0.2.1 ("), problem.get());
    }
}

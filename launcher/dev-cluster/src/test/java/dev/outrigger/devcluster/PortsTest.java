package dev.outrigger.devcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortsTest {

    @TempDir
    Path dir;

    @Test
    void recordedPortsReadBackTheSame() throws Exception {
        Ports ports = Ports.free();
        Path file = dir.resolve(Ports.FILE);

        ports.write(file);

        assertEquals(ports, Ports.read(file));
        assertEquals(6, ports.byName().values().stream().distinct().count());
    }

    @Test
    void aTakenRecordedPortFailsNamingItAndTheWayOut() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Ports free = Ports.free();
            Ports ports = new Ports(free.zookeeper(), free.broker(), free.web(), taken.getLocalPort(),
                    free.brokerTls(), free.webTls());

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ports.requireFree(dir.resolve(Ports.FILE)));

            assertTrue(e.getMessage().contains("bookie " + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("--fresh"), e.getMessage());
        }
    }
}

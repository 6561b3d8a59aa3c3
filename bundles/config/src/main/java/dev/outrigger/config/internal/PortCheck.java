package dev.outrigger.config.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether the admin port can be bound. Jetty inside Felix HTTP only logs a failed bind and the worker would run
 * without its API, so the loader asks before it writes the port.
 */
@FunctionalInterface
interface PortCheck {

    /** Binds for real, then lets go at once. */
    PortCheck BIND = PortCheck::tryBind;

    /** @return why {@code host:port} cannot be bound, or empty when it can */
    Optional<String> problem(String host, int port);

    private static Optional<String> tryBind(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("bindAddress '" + host + "' cannot be resolved (" + e.getMessage() + ")");
        }
        try (ServerSocket socket = new ServerSocket()) {
            // As Jetty's connector does (reuseAddress=true): a live listener still makes the bind fail, but the
            // TIME_WAIT connections a previous run left on the port do not, so a quick restart is not refused.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return Optional.empty();
        } catch (IOException e) {
            String reason = String.valueOf(e.getMessage());
            String what = e instanceof BindException && reason.contains("in use")
                    ? " is already in use on "
                    : " cannot be bound on ";
            return Optional.of("workerPort " + port + what + host + " (" + reason + ")");
        }
    }
}

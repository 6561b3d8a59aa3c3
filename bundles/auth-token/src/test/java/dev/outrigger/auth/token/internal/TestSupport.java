package dev.outrigger.auth.token.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.outrigger.api.security.AuthenticationRequest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Requests, a settable clock and token signing for the tests. */
final class TestSupport {

    private TestSupport() {}

    /** A request with the given headers (names case-insensitive, as HTTP's). */
    static AuthenticationRequest request(Map<String, String> headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new AuthenticationRequest() {
            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(byName.get(name));
            }

            @Override
            public List<X509Certificate> clientCertificates() {
                return List.of();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:50000";
            }
        };
    }

    static AuthenticationRequest bearer(String token) {
        return request(Map.of("Authorization", "Bearer " + token));
    }

    static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Monotonic nanoseconds the test advances. */
    static final class Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        long read() {
            return nanos.get();
        }

        void advanceMillis(long millis) {
            nanos.addAndGet(millis * 1_000_000L);
        }
    }
}

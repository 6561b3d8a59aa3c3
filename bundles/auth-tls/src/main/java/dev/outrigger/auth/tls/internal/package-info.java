/** TLS client certificate authentication; nothing here is exported. */
package dev.outrigger.auth.tls.internal;

/** The access control of the admin API; nothing here is exported. */
package dev.outrigger.security.internal;

/** Functions behind the admin API: validation, defaults, packages and metadata. */
package dev.outrigger.functions.internal;

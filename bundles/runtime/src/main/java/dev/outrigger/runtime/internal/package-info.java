/** The thread runtime: function instances in the worker's JVM, their class loaders, Context, status and restarts. */
package dev.outrigger.runtime.internal;

/** The Jersey application of the admin API and the worker's own resources. */
package dev.outrigger.rest.internal;

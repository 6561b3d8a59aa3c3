/**
 * The package stores: uploaded packages as BookKeeper ledgers, and packages the user names by http(s) or file URL,
 * checked against Pulsar's allow rules.
 */
package dev.outrigger.packages.internal;

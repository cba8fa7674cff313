/** The observability plane: stats, latency histograms, Prometheus exposition, admin endpoints. */
package dev.weft.admin;

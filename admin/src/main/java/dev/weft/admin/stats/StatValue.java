package dev.weft.admin.stats;

/**
 * A point-in-time reading of one counter or gauge.
 *
 * @param name  the stat
 * @param value its value when read
 * @param used  whether it was ever incremented or set to non-zero (Envoy's "used" flag, behind {@code usedonly})
 */
public record StatValue(StatName name, long value, boolean used) {
}

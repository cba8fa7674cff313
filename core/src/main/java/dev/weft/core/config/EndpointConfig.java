package dev.weft.core.config;

/**
 * One upstream address.
 *
 * @param address IP literal for STATIC clusters; host name (or IP) for STRICT_DNS
 * @param port    1..65535
 */
public record EndpointConfig(String address, int port) {
}

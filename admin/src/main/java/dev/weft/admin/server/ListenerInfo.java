package dev.weft.admin.server;

/** One listener as {@code /listeners} shows it. */
public record ListenerInfo(String name, String address, int port, int openConnections) {
}

/**
 * TLS over a blocking {@link java.nio.channels.SocketChannel}: {@link dev.weft.tls.channel.TlsChannel} drives a JDK
 * {@link javax.net.ssl.SSLEngine} so that virtual threads can read and write TLS like a plain channel.
 */
package dev.weft.tls.channel;

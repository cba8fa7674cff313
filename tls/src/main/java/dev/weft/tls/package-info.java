/** TLS as a byte transport over blocking channels: SSLEngine, PEM, trust, peer identity. JDK only. */
package dev.weft.tls;

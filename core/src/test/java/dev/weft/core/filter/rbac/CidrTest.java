package dev.weft.core.filter.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** CIDR ranges compared bit by bit, IPv4 and IPv6, from addresses and from text. */
class CidrTest {

    @Test
    void ipv4HashCodeIsTheAddressTheMatcherRelyOn() throws Exception {
        for (String ip : new String[] {"0.0.0.0", "10.1.2.3", "127.0.0.1", "192.168.255.254", "255.255.255.255"}) {
            byte[] b = InetAddress.getByName(ip).getAddress();
            int expected = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
            assertEquals(expected, InetAddress.getByName(ip).hashCode(), ip);
        }
    }

    @Test
    void matchesPrefixBits() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0", 16);
        assertTrue(c.matches(InetAddress.getByName("10.1.255.1")));
        assertFalse(c.matches(InetAddress.getByName("10.2.0.1")));
        assertTrue(Cidr.parse("0.0.0.0", 0).matches(InetAddress.getByName("8.8.8.8")));
        assertTrue(Cidr.parse("10.1.2.3", 32).matchesText("10.1.2.3"));
        assertFalse(Cidr.parse("10.1.2.3", 32).matchesText("10.1.2.4"));
        assertTrue(Cidr.parse("172.16.0.0", 12).matchesText("172.31.255.255"));
        assertFalse(Cidr.parse("172.16.0.0", 12).matchesText("172.32.0.0"));
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3", 8).toString(), "host bits are dropped, as in Envoy");
    }

    @Test
    void ipv6AndMappedAddresses() throws Exception {
        Cidr c = Cidr.parse("2001:db8:abcd::", 48);
        assertTrue(c.matchesText("2001:db8:abcd:12::1"));
        assertFalse(c.matchesText("2001:db8:abce::1"));
        assertTrue(Cidr.parse("2001:db8::1", 128).matches(InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
        assertTrue(Cidr.parse("fe80::", 65).matchesText("fe80::7fff:ffff:ffff:ffff"));
        assertFalse(Cidr.parse("fe80::", 65).matchesText("fe80::8000:0:0:0"));
        assertTrue(Cidr.parse("10.0.0.0", 8).matchesText("::ffff:10.9.8.7"), "IPv4-mapped is IPv4");
        assertFalse(Cidr.parse("10.0.0.0", 8).matchesText("2001:db8::1"));
        assertFalse(Cidr.parse("::", 0).matches(InetAddress.getByName("10.0.0.1")));
        assertTrue(InetAddress.getByName("::ffff:10.9.8.7") instanceof Inet4Address);
    }

    @Test
    void textThatIsNoAddressNeverMatches() {
        Cidr all = Cidr.parse("0.0.0.0", 0);
        for (String bad : new String[] {"", "10.0.0", "10.0.0.0.1", "256.1.1.1", "10.0.0.x", "1..2.3", "example.com",
                " 10.0.0.1"}) {
            assertFalse(all.matchesText(bad), bad);
        }
        assertFalse(all.matchesText(null));
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0", 33));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com", 8));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::1", 129));
    }
}

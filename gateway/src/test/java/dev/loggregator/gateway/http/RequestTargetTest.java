package dev.loggregator.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RequestTargetTest {
    @Test
    void absoluteFormGivesItsAuthorityAndOriginForm() {
        assertEquals(new RequestTarget("a.test:8080", "/p?q=1"), RequestTarget.absolute("http://a.test:8080/p?q=1"));
        assertEquals(new RequestTarget("a.test", "/"), RequestTarget.absolute("HTTPS://a.test"));
        assertEquals(new RequestTarget("a.test", "/?q"), RequestTarget.absolute("http://a.test?q"));
        assertEquals(new RequestTarget("a.test", "/p"), RequestTarget.absolute("http://user:pw@a.test/p#frag"));
        assertEquals(new RequestTarget("[::1]:80", "/"), RequestTarget.absolute("http://[::1]:80/"));
        assertEquals(new RequestTarget("", "/p"), RequestTarget.absolute("http:///p"), "an empty host is refused by the caller");
    }

    @Test
    void otherFormsAreLeftAlone() {
        assertNull(RequestTarget.absolute("/path"));
        assertNull(RequestTarget.absolute("*"));
        assertNull(RequestTarget.absolute("a.test:443"));
        assertNull(RequestTarget.absolute("/http://a.test/"));
        assertNull(RequestTarget.absolute("ftp://a.test/"));
    }
}

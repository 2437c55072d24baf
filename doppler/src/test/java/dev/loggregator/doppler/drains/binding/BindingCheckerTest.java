package dev.loggregator.doppler.drains.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.manifest.SyslogDrainsSection;
import dev.loggregator.manifest.TlsFiles;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binding cache's checks and messages, with a resolver that answers from a table. */
class BindingCheckerTest {
    private final List<String> lookups = new ArrayList<>();
    private final BindingChecker.Resolver resolver = host -> {
        lookups.add(host);
        return switch (host) {
            case "logs.example.org" -> InetAddress.getByName("203.0.113.7");
            case "metadata.internal" -> InetAddress.getByName("169.254.169.254");
            case "v6.example.org" -> InetAddress.getByName("fe80::1");
            case "localhost" -> InetAddress.getByName("127.0.0.1");
            default -> {
                if (host.matches("[0-9.]+") || host.contains(":")) {
                    yield InetAddress.getByName(host); // a literal: no DNS involved
                }
                throw new UnknownHostException(host);
            }
        };
    };

    private BindingChecker checker(boolean allowLoopback) {
        return new BindingChecker(new DenyList(SyslogDrainsSection.DEFAULT_DENY_LIST, allowLoopback),
                new DrainTls(null, new TlsFiles(null, null, null)), resolver);
    }

    private static DrainBinding app(String url) {
        return new DrainBinding("app", "o.s.a", url, null, null, null, DrainBinding.Source.BINDING_PROVIDER);
    }

    private static String refusal(BindingChecker.Result result) {
        return assertInstanceOf(BindingChecker.Refused.class, result).message();
    }

    @Test
    void urlsThatCannotBeDrainsAreRefusedWithTheBindingCachesMessages() {
        BindingChecker checker = checker(false);
        assertEquals("Cannot parse syslog drain URL.", refusal(checker.check(app("syslog://bad host:514"), false)));
        assertEquals("Invalid Scheme http for syslog drain url http://logs.example.org/in",
                refusal(checker.check(app("http://user:pw@logs.example.org/in?token=x"), false)));
        assertEquals("No hostname found in syslog drain url syslog:///path", refusal(checker.check(app("syslog:///path"), false)));
        assertEquals("Cannot resolve ip address for syslog drain with url syslog://nowhere.example:514",
                refusal(checker.check(app("syslog://nowhere.example:514"), false)));
        assertEquals("Skipped resolve ip address for syslog drain with url syslog://nowhere.example:6514 due to prior failure",
                refusal(checker.check(app("syslog://nowhere.example:6514"), false)));
        assertEquals(1, lookups.stream().filter("nowhere.example"::equals).count(), "a failed host is not asked again for 120 s");
    }

    @Test
    void deniedAddressesAreRefusedUnlessTheDrainIsAnOperatorsAggregate() {
        BindingChecker checker = checker(false);
        assertEquals("Resolved ip address for syslog drain with url syslog://metadata.internal:514 is blacklisted",
                refusal(checker.check(app("syslog://metadata.internal:514"), false)));
        assertTrue(((BindingChecker.Refused) checker.check(app("syslog://metadata.internal:514"), false)).denied());
        assertEquals("Resolved ip address for syslog drain with url https://v6.example.org/x is blacklisted",
                refusal(checker.check(app("https://v6.example.org/x"), false)));
        assertEquals("Resolved ip address for syslog drain with url syslog://localhost:514 is blacklisted",
                refusal(checker.check(app("syslog://localhost:514"), false)));
        assertEquals("Resolved ip address for syslog drain with url syslog://0.0.0.0:514 is blacklisted",
                refusal(checker.check(app("syslog://0.0.0.0:514"), false)));
        assertEquals("Resolved ip address for syslog drain with url syslog://100.100.100.200:514 is blacklisted",
                refusal(checker.check(app("syslog://100.100.100.200:514"), false)));
        assertInstanceOf(BindingChecker.Accepted.class, checker(true).check(app("syslog://localhost:514"), false));
        DrainBinding aggregate = new DrainBinding(null, "", "syslog://localhost:514", null, null, null, DrainBinding.Source.AGGREGATE);
        assertInstanceOf(BindingChecker.Accepted.class, checker.check(aggregate, false));
    }

    @Test
    void acceptedBindingsCarryTheirAddressPortAndTls() {
        BindingChecker.Accepted plain = assertInstanceOf(BindingChecker.Accepted.class,
                checker(false).check(app("syslog://logs.example.org"), false));
        assertEquals("203.0.113.7", plain.address().getHostAddress());
        assertEquals(514, plain.url().port());
        assertNull(plain.tls());
        BindingChecker.Accepted tls = assertInstanceOf(BindingChecker.Accepted.class,
                checker(false).check(app("syslog-tls://logs.example.org?drain-type=all"), false));
        assertEquals(6514, tls.url().port());
        assertNotNull(tls.tls());
        BindingChecker.Accepted https = assertInstanceOf(BindingChecker.Accepted.class,
                checker(false).check(app("https-batch://u:p@logs.example.org/drain?x=1"), false));
        assertEquals(443, https.url().port());
        assertEquals("/drain?x=1", https.url().requestTarget());
        assertEquals("https-batch://logs.example.org/drain", https.url().anonymous());
        assertEquals("https-batch://logs.example.org/drain?x=1", https.url().withoutUserInfo());
    }

    @Test
    void certificatesThatDoNotLoadRefuseTheirBinding(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        String cert = Files.readString(certs.clientCert);
        String key = Files.readString(certs.clientKey);
        String ca = Files.readString(certs.caCert);
        BindingChecker checker = checker(false);
        String url = "syslog-tls://logs.example.org:6514";
        assertInstanceOf(BindingChecker.Accepted.class,
                checker.check(new DrainBinding("app", "h", url, cert, key, ca, DrainBinding.Source.BINDING_PROVIDER), false));
        assertEquals("failed to load certificate for syslog-tls://logs.example.org:6514", refusal(checker.check(
                new DrainBinding("app", "h", url, cert, "not a key", null, DrainBinding.Source.BINDING_PROVIDER), false)));
        assertEquals("failed to load root CA for syslog-tls://logs.example.org:6514", refusal(checker.check(
                new DrainBinding("app", "h", url, null, null, "not a CA", DrainBinding.Source.BINDING_PROVIDER), false)));
    }
}

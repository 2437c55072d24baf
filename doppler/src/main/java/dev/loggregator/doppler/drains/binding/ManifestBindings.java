package dev.loggregator.doppler.drains.binding;

import dev.loggregator.manifest.SyslogDrainsSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bindings written in the manifest: per app ({@code bindings}) and aggregate. Certificate
 * files are read at every refresh, so a renewed certificate is picked up without a restart; a file
 * that cannot be read refuses its binding (with the reason) instead of stopping the Doppler.
 */
public final class ManifestBindings {
    private final SyslogDrainsSection section;

    public ManifestBindings(SyslogDrainsSection section) {
        this.section = section;
    }

    /** The manifest's bindings now, and the ones whose files could not be read. */
    public record Loaded(List<DrainBinding> bindings, List<BindingChecker.Refused> refused) {
    }

    public Loaded load() {
        List<DrainBinding> bindings = new ArrayList<>();
        List<BindingChecker.Refused> refused = new ArrayList<>();
        for (SyslogDrainsSection.Binding b : section.bindings()) {
            add(b.appId(), b.hostname(), b.url(), b.cert(), b.key(), b.ca(), DrainBinding.Source.MANIFEST, bindings, refused);
        }
        for (SyslogDrainsSection.AggregateDrain a : section.aggregate()) {
            add(null, "", a.url(), a.cert(), a.key(), a.ca(), DrainBinding.Source.AGGREGATE, bindings, refused);
        }
        return new Loaded(bindings, refused);
    }

    private static void add(String appId, String hostname, String url, String certFile, String keyFile, String caFile,
                            DrainBinding.Source source, List<DrainBinding> bindings, List<BindingChecker.Refused> refused) {
        try {
            bindings.add(new DrainBinding(appId, hostname, url, read(certFile), read(keyFile), read(caFile), source));
        } catch (IOException e) {
            DrainBinding unreadable = new DrainBinding(appId, hostname, url, null, null, null, source);
            DrainUrl parsed = DrainUrl.parse(url);
            refused.add(new BindingChecker.Refused(unreadable, "cannot read " + e.getMessage() + " for syslog drain with url "
                    + (parsed == null ? "(unparsable)" : parsed.anonymous()), false));
        }
    }

    private static String read(String file) throws IOException {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IOException(file, e);
        }
    }
}

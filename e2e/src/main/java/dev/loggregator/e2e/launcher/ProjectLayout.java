package dev.loggregator.e2e.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * Where the modules and their runnable jars are in a checkout, and whether a jar is older than
 * the sources it is built from (its module, proto, and the root pom).
 */
public final class ProjectLayout {
    private final Path root;

    public ProjectLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The checkout containing the working directory or one of its parents (the one with mvnw). */
    public static ProjectLayout find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("proto"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new IllegalStateException("not inside the loggregator checkout (no mvnw and proto/ above " + start + ")");
    }

    public Path root() {
        return root;
    }

    /** Whether this checkout contains the module at all (components land one by one). */
    public boolean hasModule(ComponentKind kind) {
        return Files.isRegularFile(root.resolve(kind.module()).resolve("pom.xml"));
    }

    public Path jar(ComponentKind kind) {
        return root.resolve(kind.module()).resolve("target").resolve(kind.jarName());
    }

    public Path cliJar() {
        return root.resolve("log-cli").resolve("target").resolve("logs.jar");
    }

    public boolean hasCli() {
        return Files.isRegularFile(root.resolve("log-cli").resolve("pom.xml"));
    }

    /** True when the jar is missing or any source it is built from changed after it. */
    public boolean needsBuild(Path jar, String module) {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            return newestSource(root.resolve(module)).compareTo(built) > 0
                    || newestSource(root.resolve("proto")).compareTo(built) > 0
                    || Files.getLastModifiedTime(root.resolve("pom.xml")).compareTo(built) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime newestSource(Path module) throws IOException {
        FileTime newest = Files.getLastModifiedTime(module.resolve("pom.xml"));
        Path src = module.resolve("src").resolve("main");
        if (!Files.isDirectory(src)) {
            return newest;
        }
        try (Stream<Path> files = Files.walk(src)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                FileTime time = Files.getLastModifiedTime(file);
                if (time.compareTo(newest) > 0) {
                    newest = time;
                }
            }
        }
        return newest;
    }
}

package dev.loggregator.cli.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.output.Notices;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the per-user config file: {@code $LOGS_CONFIG}, else
 * {@code $XDG_CONFIG_HOME/logs/config.json}, else {@code ~/.config/logs/config.json}.
 * The file holds a token, so it is created owner-only (0600, directory 0700) and replaced
 * atomically; a file others can read is reported, as ssh does for keys.
 */
public final class ConfigStore {
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path path;
    private final Notices notices;

    public ConfigStore(Path path, Notices notices) {
        this.path = path;
        this.notices = notices;
    }

    /** The config file named by the environment (see the class comment). */
    public static Path locate(Map<String, String> env, String userHome) {
        String explicit = env.get("LOGS_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".config");
        return base.resolve("logs").resolve("config.json");
    }

    public Path path() {
        return path;
    }

    public CliConfig load() {
        if (!Files.exists(path)) {
            return CliConfig.empty();
        }
        warnIfShared();
        try {
            CliConfig config = mapper().readValue(path.toFile(), CliConfig.class);
            return config == null ? CliConfig.empty() : config;
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read config file " + path + ": "
                    + firstLine(e.getMessage()) + " (fix or delete it, then run `logs target`)", e);
        }
    }

    public void save(CliConfig config) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes(OWNER_DIR));
            }
            Path temp = createOwnerOnlyTemp(dir);
            try {
                mapper().writeValue(temp.toFile(), config);
                try {
                    Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot write config file " + path + ": " + e.getMessage(), e);
        }
    }

    private Path createOwnerOnlyTemp(Path dir) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + path.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-" + attempt);
            try {
                return Files.createFile(temp, attributes(OWNER_FILE));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        if (!isPosix()) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

    private void warnIfShared() {
        if (!isPosix()) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (!OWNER_FILE.containsAll(permissions)) {
                notices.say("warning: config file " + path + " is accessible by other users ("
                        + PosixFilePermissions.toString(permissions) + "); it holds your token: chmod 600 " + path);
            }
        } catch (IOException e) {
            // Unreadable permissions surface as a read error in load().
        }
    }

    private static boolean isPosix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

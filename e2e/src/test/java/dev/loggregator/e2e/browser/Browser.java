package dev.loggregator.e2e.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: installed with apt-get when
 * missing (as root), else the tests that need it are skipped with the reason. Flags as this machine
 * needs them (no GPU, no sandbox as root, no background connections to the closed network) and a
 * fresh profile per browser; the test deployment's self-signed certificate is trusted by its key
 * alone ({@code --ignore-certificate-errors-spki-list}).
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Screenshots of the main views, for people to look at (one is copied to docs/). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static String unavailable;
    private static boolean checked;

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Null when Chromium and chromedriver are there (installing them if need be), else why not. */
    public static synchronized String unavailableReason() {
        if (!checked) {
            checked = true;
            unavailable = installIfMissing();
        }
        return unavailable;
    }

    private static String installIfMissing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return "no Chromium (" + CHROMIUM + ", " + CHROMEDRIVER + ") and no apt-get to install Debian's chromium and chromium-driver";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "no Chromium, and installing Debian's chromium and chromium-driver needs root";
        }
        try {
            run(List.of("apt-get", "update", "-q"));
            run(List.of("apt-get", "install", "-y", "-q", "chromium", "chromium-driver"));
        } catch (IOException e) {
            return "installing Debian's chromium and chromium-driver failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing Chromium";
        }
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) ? null
                : "apt-get installed chromium and chromium-driver but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/apt-get-chromium.log"))).start();
        process.getOutputStream().close();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 15 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + " (target/apt-get-chromium.log)");
        }
    }

    /** A new headless Chromium with an empty profile, trusting {@code certificate}'s key for https. */
    public static Browser start(Path certificate, int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                // for the memory figures of the performance test: exact heap sizes and a GC to call before reading them
                "--enable-precise-memory-info", "--js-flags=--expose-gc",
                "--ignore-certificate-errors-spki-list=" + spkiHash(certificate));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)), as Chromium names a key it should trust. */
    private static String spkiHash(Path certificate) throws IOException {
        try (var in = Files.newInputStream(certificate)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new IOException("cannot read " + certificate, e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves a screenshot as target/screenshots/{name}.png. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** The console's errors since the last call, but the failed loads the test meant to cause. */
    public List<String> consoleErrors(List<String> expectedFailures) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> expectedFailures.stream().noneMatch(m::contains))
                .toList();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> stats() {
        return (Map<String, Object>) driver.executeScript("return window.loggregatorViewer.stats()");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}

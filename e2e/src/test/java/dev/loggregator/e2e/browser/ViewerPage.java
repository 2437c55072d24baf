package dev.loggregator.e2e.browser;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The web viewer as a test sees it: what a person would do (sign in, open, click) and read. */
public final class ViewerPage {
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private final ChromeDriver driver;
    private final String base;

    public ViewerPage(Browser browser, String base) {
        this.driver = browser.driver();
        this.base = base;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code path} (e.g. {@code /} or {@code /ui/#/apps/x}). */
    public ViewerPage open(String path) {
        driver.get(base + path);
        return this;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public boolean visible(String css) {
        List<WebElement> found = all(css);
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    public void awaitVisible(String css) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> visible(css));
    }

    public void signInWithToken(String token) {
        awaitVisible("#token");
        find("#token").sendKeys(token);
        find("#form-token button[type=submit]").click();
    }

    public String signInMessage() {
        return find("#signin-message").getText();
    }

    public String healthState() {
        return find("#health").getAttribute("data-state");
    }

    public String healthText() {
        return find("#health .text").getText();
    }

    /** A figure of the open view as the page counts it now: received, shown, held, pending, dropped (-1: no view). */
    public long status(String name) {
        Object value = script("const p = window.loggregatorViewer.stats().page;"
                + " return p && p['" + name + "'] !== undefined ? p['" + name + "'] : -1;");
        return ((Number) value).longValue();
    }

    /** The same figure as the status line shows it (updated a few times a second). */
    public long shownStatus(String name) {
        Object value = script("const s = document.querySelector('#tail-view .status');"
                + " return s && s.dataset['" + name + "'] !== undefined ? Number(s.dataset['" + name + "']) : -1;");
        return ((Number) value).longValue();
    }

    /** Every line of the open view as its Download saves them (not only the rows in the DOM). */
    public List<String> viewText() {
        String text = (String) script("return window.loggregatorViewer.text();");
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** The messages of the rows in the DOM (the visible ones and a few around them), top to bottom. */
    @SuppressWarnings("unchecked")
    public List<String> messages() {
        return (List<String>) script("return Array.from(document.querySelectorAll('#tail-view .ln .msg')).map(e => e.textContent)");
    }

    /** The source labels ([SOURCE/INSTANCE]) of the rows in the DOM. */
    @SuppressWarnings("unchecked")
    public List<String> sources() {
        return (List<String>) script("return Array.from(document.querySelectorAll('#tail-view .ln:not(.notice) .src')).map(e => e.textContent)");
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Waits until the app's live stream shows a line sent after the page opened (the subscription is in place). */
    public void awaitLine(String text) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> messages().contains(text));
    }

    public long chartPoints(String chart) {
        String value = find("#chart-" + chart).getAttribute("data-points");
        return value == null ? 0 : Long.parseLong(value);
    }
}

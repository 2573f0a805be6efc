package dev.hcsim.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, on the page as built in {@code target/explorer}. Debian's {@code chromium} and
 * {@code chromium-driver} (or {@code $HCSIM_CHROMIUM} and {@code $HCSIM_CHROMEDRIVER}); when either is missing the
 * browser tests are skipped and say why (.ci/run installs both).
 */
final class Browser implements AutoCloseable {
    final WebDriver driver;
    final Path page;

    private Browser(WebDriver driver, Path page) {
        this.driver = driver;
        this.page = page;
    }

    static Path tool(String env, String... candidates) {
        String given = System.getenv(env);
        if (given != null && !given.isBlank()) {
            return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        }
        for (String c : candidates) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, c);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Opens the page, or skips the calling test (with the reason) when the browser or the page is not there. */
    static Browser open(int width) {
        Path page = Path.of(System.getProperty("hcsim.explorer", "target/explorer/index.html")).toAbsolutePath();
        Assumptions.assumeTrue(Files.exists(page), "the page is not built (" + page + "): mvn -pl web -am package");
        Path chromium = tool("HCSIM_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
        Path driverBin = tool("HCSIM_CHROMEDRIVER", "chromedriver");
        Assumptions.assumeTrue(chromium != null && driverBin != null, "browser tests skipped: "
                + (chromium == null ? "no chromium" : "no chromedriver") + " on PATH (Debian: apt-get install chromium chromium-driver)");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium.toString());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=" + width + ",900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBin.toFile()).build();
        WebDriver d = new ChromeDriver(service, o);
        Browser b = new Browser(d, page);
        b.load(page.toUri().toString());
        return b;
    }

    void load(String url) {
        driver.get(url);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(x -> "true".equals(x.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** window.hcsim[fn](arg): the page's Java answering JSON text. */
    String hcsim(String fn, String arg) {
        return (String) js("return window.hcsim[arguments[0]](arguments[1]);", fn, arg);
    }

    @SuppressWarnings("unchecked")
    List<String> examples() {
        return (List<String>) js("return window.HCSIM_EXAMPLES;");
    }

    @Override
    public void close() {
        driver.quit();
    }
}

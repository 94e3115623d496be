package dev.simplestreams.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.DemoTree;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.TomcatServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The catalogue page in Debian's chromium (headless, through chromium-driver) against the WAR in Tomcat:
 * filtering, sorting, the copy commands, a hostile product, and screenshots kept in target/ (the desktop one
 * is docs/catalogue-page.png).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PageBrowserIT {

    private static final Path TARGET = Path.of("target");

    @TempDir
    static Path data;
    @TempDir
    static Path profile;
    static TomcatServer server;
    static ChromeDriverService service;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        DemoTree.write(data);
        server = TomcatServer.start(data, Map.of("INDEX_QUIET_MS", "100"));
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
        openWhenShown("fedora:41:amd64:default");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        server.close();
    }

    @Test
    @Order(1)
    void screenshots() throws Exception {
        browser.findElement(By.cssSelector("tr[data-versions-of='ubuntu:noble:amd64:default'] summary")).click();
        script("window.scrollTo(0, 0)");
        long height = (Long) script("return document.documentElement.scrollHeight + window.outerHeight "
                + "- window.innerHeight");
        browser.manage().window().setSize(new Dimension(1280, (int) height));
        long wide = (Long) script("return document.documentElement.scrollWidth");
        assertTrue(wide <= 1280, "page is " + wide + " px wide in a 1280 px window, versions open");
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        Files.write(TARGET.resolve("catalogue-page.png"), png);

        browser.manage().window().setSize(new Dimension(390, 844));
        // readable on a phone: nothing wider than the screen, with a product's versions open
        long overflow = (Long) script("return document.documentElement.scrollWidth");
        assertTrue(overflow <= 390, "page is " + overflow + " px wide on a 390 px phone");
        Files.write(TARGET.resolve("catalogue-page-phone.png"), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1280, 900));
        assertTrue(png.length > 10_000);
        if (Boolean.getBoolean("page.screenshot.docs")) {
            Files.copy(TARGET.resolve("catalogue-page.png"), Path.of("docs/catalogue-page.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @Order(2)
    void filtersByTyping() {
        WebElement filter = browser.findElement(By.id("filter"));
        assertTrue(filter.isDisplayed(), "the script shows the filter");
        assertEquals(List.of("alpine:3.20:amd64:default", "debian:bookworm:amd64:cloud",
                "debian:bookworm:amd64:default", "fedora:41:amd64:default", "ubuntu:noble:amd64:default",
                "ubuntu:noble:arm64:default"), shown());
        filter.sendKeys("arm64");
        assertEquals(List.of("ubuntu:noble:arm64:default"), shown());
        retype(filter, "VM");
        assertEquals(List.of("debian:bookworm:amd64:default"), shown());
        retype(filter, "debian CONTAINER");
        assertEquals(List.of("debian:bookworm:amd64:cloud", "debian:bookworm:amd64:default"), shown());
        retype(filter, "noble/arm64");
        assertEquals(List.of("ubuntu:noble:arm64:default"), shown());
        retype(filter, "plan9");
        assertEquals(List.of(), shown());
        assertTrue(browser.findElement(By.id("nomatch")).isDisplayed());
        retype(filter, "");
        assertEquals(6, shown().size());
    }

    @Test
    @Order(3)
    void sortsByColumn() {
        WebElement latest = browser.findElement(By.xpath("//th[text()='Latest']"));
        latest.click();
        assertEquals("fedora:41:amd64:default", shown().get(0));
        latest.click();
        assertEquals("ubuntu:noble:arm64:default", shown().get(0));
        browser.findElement(By.xpath("//th[text()='OS']")).click();
        assertEquals("alpine:3.20:amd64:default", shown().get(0));
    }

    @Test
    @Order(4)
    void copyCommandsNameThisServer() {
        String base = "http://127.0.0.1:" + server.port();
        assertEquals("lxc remote add myimages " + base + " --protocol=simplestreams", text("cmd-lxc-remote"));
        assertEquals("incus remote add myimages " + base + " --protocol=simplestreams", text("cmd-incus-remote"));
        assertTrue(text("cmd-upload").contains("curl -u \"$auth\" -F \"upload=@meta.tar.xz;filename=$dir/lxd.tar.xz\" "
                + base + "/images/"));
        WebElement copy = browser.findElement(By.cssSelector("button[data-copy='cmd-lxc-remote']"));
        assertTrue(copy.isDisplayed());
        copy.click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(b -> copy.getText().equals("Copied"));
    }

    @Test
    @Order(5)
    void hostileProductStaysText() throws Exception {
        DemoTree.writeHostile(data);
        openWhenShown("evil:one:amd64:default");
        WebElement row = browser.findElement(By.cssSelector("tr[data-product='evil:one:amd64:default']"));
        assertEquals(DemoTree.HOSTILE_OS, row.findElement(By.cssSelector("td[data-label='OS']")).getText());
        WebElement more = browser.findElement(By.cssSelector("tr[data-versions-of='evil:one:amd64:default']"));
        more.findElement(By.tagName("summary")).click();
        assertEquals(DemoTree.HOSTILE_DESCRIPTION, more.findElement(By.className("desc")).getText());
        assertTrue(browser.findElement(By.id("problems")).getText().contains(DemoTree.HOSTILE_PROBLEM_DIR));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertEquals(0L, script("return document.querySelectorAll('img, b, #catalogue script').length"));
    }

    private static void openWhenShown(String product) {
        Eventually.until(product + " on the page", Eventually.DEFAULT, () -> {
            browser.get(server.uri("/").toString());
            return !browser.findElements(By.cssSelector("tr[data-product='" + product + "']")).isEmpty();
        });
    }

    private static void retype(WebElement filter, String text) {
        // clear() fires no input event; select and type over instead
        filter.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
                org.openqa.selenium.Keys.BACK_SPACE);
        if (!text.isEmpty()) {
            filter.sendKeys(text);
        }
    }

    private static List<String> shown() {
        return browser.findElements(By.cssSelector("#catalogue tr.product")).stream().filter(WebElement::isDisplayed)
                .map(row -> row.getAttribute("data-product")).toList();
    }

    private static String text(String id) {
        return (String) script("return document.getElementById('" + id + "').textContent");
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }
}

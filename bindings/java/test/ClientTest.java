import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import splio_sms.Client;
import splio_sms.SplioException;

/**
 * The Java binding against the sandbox over loopback HTTP, run by
 * test/run.sh under LANG=C: non-ASCII text crossing both ways intact,
 * success, every error kind, bad input, batches, close and use after close.
 * Plain Java (no JUnit): each check counts, failures are listed, the exit
 * status says whether all passed.
 */
public final class ClientTest {
    private static final String UNIVERSE = "java_universe";
    private static final String KEY = "java-key-secret";
    private static final String ONE =
            "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}";
    // Zoé, 李 and 😀 as escapes: this file must not depend on javac's locale either.
    private static final String ZOE = "Zo\u00e9";
    private static final String LI = "\u674e";
    private static final String EMOJI = "\ud83d\ude00";

    private static String base;
    private static String control;
    private static int checks;
    private static final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        base = System.getenv("SPLIO_SANDBOX_URL");
        if (base == null) {
            System.err.println("set SPLIO_SANDBOX_URL to the sandbox's base URL");
            System.exit(2);
        }
        URL url = new URL(base);
        control = url.getProtocol() + "://" + url.getHost() + ":" + url.getPort() + "/";
        if (args.length == 1 && args[0].equals("--load-only")) {
            loadsTheLibrary();
        } else {
            theLocaleWouldMangleNonAsciiThroughJnaStrings();
            loadsTheLibrary();
            nonAsciiRecipientFieldsReachTheSandboxIntact();
            nonAsciiTextComesBackIntactFromTheLibrary();
            aSendReturnsTheSuccessDocument();
            eachErrorStatusCarriesItsNameKindAndDocument();
            badJsonAndNullAreInvalidArguments();
            stringsACStringCannotCarryAreIllegalArguments();
            validateListsProblemsAndTakesSettings();
            aBatchReturnsItsReportAndAPartialOneThrowsWithIt();
            guardsRefuseASendBeforeAnyByteLeavesNamingEachRecipient();
            guardsLetThroughASendWithinThem();
            validateTakesTheGuards();
            closeIsIdempotentAndUseAfterCloseIsIllegalState();
            closeWaitsForSendsInFlightOnOtherThreads();
        }
        int failed = failures.size();
        for (String f : failures) {
            System.err.println("FAIL " + f);
        }
        System.out.println((checks - failed) + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    // The premise of the UTF-8 tests: JNA's own String mapping would not be UTF-8 here.
    static void theLocaleWouldMangleNonAsciiThroughJnaStrings() {
        String jna = com.sun.jna.Native.getDefaultStringEncoding();
        check(!Charset.forName(jna).equals(StandardCharsets.UTF_8),
                "the run's JNA string encoding is " + jna + ": run under LANG=C (test/run.sh)");
    }

    static void loadsTheLibrary() {
        check(Client.version().matches("\\d+\\.\\d+\\.\\d+"), "version " + Client.version());
        check(Client.statusName(Client.SPLIO_ERR_AUTH).equals("SPLIO_ERR_AUTH"), "AUTH's name");
        check(Client.statusName(99).equals("SPLIO_UNKNOWN_STATUS"), "99's name");
    }

    static void nonAsciiRecipientFieldsReachTheSandboxIntact() throws Exception {
        http("POST", "_sandbox/reset", "");
        try (Client client = client("")) {
            String result = client.send("{\"message\":\"Utf8Text1\",\"rcpts\":[{\"cellphone\":\"+33612345678\","
                    + "\"firstname\":\"" + ZOE + "\",\"lastname\":\"" + LI + "\",\"c0\":\"" + EMOJI + "\"}]}");
            check(result.contains("\"inserted\":1"), "inserted: " + result);
        }
        String recorded = http("GET", "_sandbox/messages", "");
        check(recorded.contains("\"firstname\":\"" + ZOE + "\""), "firstname recorded as " + recorded);
        check(recorded.contains("\"lastname\":\"" + LI + "\""), "lastname recorded as " + recorded);
        check(recorded.contains("\"c0\":\"" + EMOJI + "\""), "c0 recorded as " + recorded);
        String sms = "\"text\":\"Bonjour " + ZOE + " " + LI + " " + EMOJI + "\"";
        check(recorded.contains(sms), "the SMS rendered by the sandbox: " + recorded);
    }

    static void nonAsciiTextComesBackIntactFromTheLibrary() throws Exception {
        String doc = Client.preview("{\"text\":\"Bonjour $firstname$\",\"rcpts\":[{\"cellphone\":\"+33612345678\","
                + "\"firstname\":\"" + ZOE + " " + LI + " " + EMOJI + "\"}]}");
        check(doc.contains("\"text\":\"Bonjour " + ZOE + " " + LI + " " + EMOJI + "\""), "preview: " + doc);
        check(doc.contains("\"encoding\":\"ucs2\""), "preview encoding: " + doc);
    }

    static void aSendReturnsTheSuccessDocument() throws Exception {
        try (Client client = client("")) {
            String result = client.send("{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33 6 12 34 56 78\"},"
                    + "{\"cellphone\":\"+8618612345678\"}],\"category\":\"welcome\"}");
            check(result.startsWith("{\"status\":\"ok\""), "status: " + result);
            check(result.contains("\"inserted\":2"), "inserted: " + result);
            check(result.contains("\"attempts\":1"), "attempts: " + result);
        }
    }

    static void eachErrorStatusCarriesItsNameKindAndDocument() throws Exception {
        try (Client client = client("")) {
            expectError(() -> client.send("{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"12\"}]}"),
                    Client.SPLIO_ERR_VALIDATION, "validation", "\"path\":\"rcpts[0].cellphone\"");
            expectError(() -> client.send("{\"message\":\"ZzZzZz999\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}"),
                    Client.SPLIO_ERR_BAD_REQUEST, "bad_request", "invalid message ID");
            fault("{\"fault\":\"status\",\"status\":200,\"body\":\"{\\\"status\\\":\\\"blocked\\\"}\"}");
            expectError(() -> client.send(ONE), Client.SPLIO_ERR_INSUFFICIENT_CREDIT, "insufficient_credit",
                    "\"delivery\":\"not_sent\"");
            fault("{\"fault\":\"rate_limit\",\"retry_after\":3600}");
            expectError(() -> client.send(ONE), Client.SPLIO_ERR_RATE_LIMITED, "rate_limited",
                    "\"retry_after_ms\":3600000");
            fault("{\"fault\":\"status\",\"status\":500,\"body\":\"<html>boom</html>\"}");
            expectError(() -> client.send(ONE), Client.SPLIO_ERR_SERVER, "server", "\"delivery\":\"unknown\"");
            fault("{\"fault\":\"status\",\"status\":200,\"body\":\"<html>captive portal</html>\"}");
            expectError(() -> client.send(ONE), Client.SPLIO_ERR_PROTOCOL, "protocol", "\"delivery\":\"unknown\"");
        }
        SplioException auth = null;
        try (Client wrong = new Client("{\"universe\":\"" + UNIVERSE + "\",\"key\":\"wrong-key-secret\","
                + "\"base_url\":\"" + base + "\"}")) {
            auth = expectError(() -> wrong.send(ONE), Client.SPLIO_ERR_AUTH, "auth", "invalid key for this universe");
        }
        check(auth == null || !auth.getMessage().contains("wrong-key-secret"), "the key in " + auth);
        try (Client slow = client(",\"timeout_ms\":300")) {
            fault("{\"fault\":\"latency\",\"ms\":1500}");
            expectError(() -> slow.send(ONE), Client.SPLIO_ERR_TIMEOUT, "timeout", "\"delivery\":\"unknown\"");
        }
        try (Client nowhere = new Client(
                "{\"universe\":\"u\",\"key\":\"k\",\"base_url\":\"http://127.0.0.1:1/\",\"max_retries\":0}")) {
            expectError(() -> nowhere.send(ONE), Client.SPLIO_ERR_TRANSPORT, "transport", "\"delivery\":\"not_sent\"");
        }
    }

    static void badJsonAndNullAreInvalidArguments() throws Exception {
        expectError(() -> new Client("{not json"), Client.SPLIO_ERR_INVALID_ARGUMENT, "invalid_argument",
                "not valid JSON");
        expectError(() -> new Client(null), Client.SPLIO_ERR_INVALID_ARGUMENT, "invalid_argument",
                "settings_json is NULL");
        expectError(() -> new Client("{\"universe\":\"u\",\"key\":\"k\",\"timout_ms\":1}"),
                Client.SPLIO_ERR_INVALID_ARGUMENT, "invalid_argument", "settings.timout_ms");
        try (Client client = client("")) {
            expectError(() -> client.send("[1,2"), Client.SPLIO_ERR_INVALID_ARGUMENT, "invalid_argument", "JSON");
            expectError(() -> client.send(null), Client.SPLIO_ERR_INVALID_ARGUMENT, "invalid_argument",
                    "request_json is NULL");
            expectError(() -> client.sendBatch(ONE, "{\"jurnal\":\"x\"}"), Client.SPLIO_ERR_INVALID_ARGUMENT,
                    "invalid_argument", "jurnal");
        }
    }

    static void stringsACStringCannotCarryAreIllegalArguments() throws Exception {
        try (Client client = client("")) {
            expectIllegal(() -> client.send(ONE + "\u0000{}"), IllegalArgumentException.class, "NUL");
            expectIllegal(() -> client.send("{\"message\":\"\ud83d\"}"), IllegalArgumentException.class, "surrogate");
        }
    }

    static void validateListsProblemsAndTakesSettings() throws Exception {
        Client.validate(ONE);
        SplioException e = expectError(
                () -> Client.validate("{\"message\":\"bad\",\"rcpts\":[{\"cellphone\":\"x\"}],\"extra\":1}"),
                Client.SPLIO_ERR_VALIDATION, "validation", "\"path\":\"rcpts[0].cellphone\"");
        check(e != null && e.document().contains("\"path\":\"message\"") && e.document().contains("\"path\":\"extra\""),
                "every problem at once: " + e);
        String national = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"06 12 34 56 78\"}]}";
        expectError(() -> Client.validate(national), Client.SPLIO_ERR_VALIDATION, "validation", "default_country");
        Client.validate("{\"default_country\":\"FR\"}", national);
        Client.validate(null, ONE);
        expectError(() -> Client.validate("{\"timeout_ms\":5}", ONE), Client.SPLIO_ERR_INVALID_ARGUMENT,
                "invalid_argument", "not a setting that validation uses");
    }

    static void aBatchReturnsItsReportAndAPartialOneThrowsWithIt() throws Exception {
        String five = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33600000001\"},"
                + "{\"cellphone\":\"+33600000002\"},{\"cellphone\":\"+33600000003\"},"
                + "{\"cellphone\":\"+33600000004\"},{\"cellphone\":\"+33600000005\"}]}";
        try (Client client = client(",\"batch_size\":2,\"concurrency\":1")) {
            String report = client.sendBatch(five);
            check(report.startsWith("{\"status\":\"ok\""), "batch report: " + report);
            check(report.contains("\"not_sent\":[]"), "nothing left: " + report);
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("splio-java-journal");
            String journal = "{\"journal\":\"" + dir.resolve("campaign.journal") + "\"}";
            report = client.sendBatch(five, journal);
            check(report.contains("\"not_sent\":[]"), "journaled batch: " + report);
            report = client.sendBatch(five, journal);
            check(report.contains("\"already_sent\":5") && report.contains("\"batches\":[]"),
                    "a journaled batch run again sends nothing: " + report);
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(dir);
            fault("[{\"fault\":\"latency\",\"ms\":0},{\"fault\":\"status\",\"status\":502,\"body\":\"x\"}]");
            SplioException e = expectError(() -> client.sendBatch(five), Client.SPLIO_ERR_PARTIAL, null,
                    "\"status\":\"partial\"");
            check(e != null && e.document().contains("\"unknown\":[2,3]"), "the report's unknown: " + e);
        }
    }

    static final String ZOE_AND_NAMELESS = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\","
            + "\"firstname\":\"" + ZOE + "\"},{\"cellphone\":\"+33612345679\"}]}";

    static void guardsRefuseASendBeforeAnyByteLeavesNamingEachRecipient() throws Exception {
        http("POST", "_sandbox/reset", "");
        try (Client client = client("")) {
            String text = "{\"text\":\"Bonjour $firstname$\"}";
            SplioException e = expectError(() -> client.send(ZOE_AND_NAMELESS, text), Client.SPLIO_ERR_VALIDATION,
                    "validation", "\"path\":\"rcpts[1]\"");
            check(e != null && e.document().contains("$firstname$") && !e.document().contains("rcpts[0]"),
                    "only the recipient without a first name: " + e);
            check(e != null && e.document().contains("\"attempts\":0"), "nothing attempted: " + e);
            // "Bonjour Zo\u00e9 " and 150 a: 162 GSM-7 septets, two parts.
            StringBuilder long150 = new StringBuilder();
            for (int i = 0; i < 150; i++) {
                long150.append('a');
            }
            String two = "{\"text\":\"Bonjour $firstname$ " + long150 + "\",\"max_segments\":1}";
            String one = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\","
                    + "\"firstname\":\"" + ZOE + "\"}]}";
            expectError(() -> client.send(one, two), Client.SPLIO_ERR_VALIDATION, "validation", "max_segments");
            expectError(() -> client.sendBatch(ZOE_AND_NAMELESS, text), Client.SPLIO_ERR_VALIDATION, "validation",
                    "\"path\":\"rcpts[1]\"");
            expectError(() -> client.send(ONE, "{\"max_segments\":1}"), Client.SPLIO_ERR_INVALID_ARGUMENT,
                    "invalid_argument", "needs the design's text");
            expectError(() -> client.send(ONE, "{\"txt\":\"x\"}"), Client.SPLIO_ERR_INVALID_ARGUMENT,
                    "invalid_argument", "txt");
        }
        String recorded = http("GET", "_sandbox/messages", "");
        check(!recorded.contains("+33612345678"), "a refused send reached the sandbox: " + recorded);
    }

    static void guardsLetThroughASendWithinThem() throws Exception {
        http("POST", "_sandbox/reset", "");
        String guards = "{\"text\":\"Bonjour $firstname$\",\"max_segments\":1}";
        String both = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\",\"firstname\":\""
                + ZOE + "\"},{\"cellphone\":\"+33612345679\",\"firstname\":\"" + LI + "\"}]}";
        try (Client client = client("")) {
            String result = client.send(both, guards);
            check(result.contains("\"inserted\":2"), "guarded send: " + result);
            String report = client.sendBatch(both, guards);
            check(report.startsWith("{\"status\":\"ok\"") && report.contains("\"not_sent\":[]"),
                    "guarded batch: " + report);
            check(client.send(ONE, null).contains("\"inserted\":1"), "null options are none");
        }
        String recorded = http("GET", "_sandbox/messages", "");
        check(recorded.contains("\"firstname\":\"" + LI + "\""), "the guarded sends arrived: " + recorded);
    }

    static void validateTakesTheGuards() throws Exception {
        String guards = "{\"text\":\"Bonjour $firstname$\"}";
        SplioException e = expectError(() -> Client.validate(null, ZOE_AND_NAMELESS, guards),
                Client.SPLIO_ERR_VALIDATION, "validation", "\"path\":\"rcpts[1]\"");
        check(e != null && e.document().contains("$firstname$"), "the missing placeholder named: " + e);
        Client.validate(null, ZOE_AND_NAMELESS, null);
        String national = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"06 12 34 56 78\","
                + "\"firstname\":\"" + ZOE + "\"}]}";
        Client.validate("{\"default_country\":\"FR\"}", national, guards);
    }

    static void closeIsIdempotentAndUseAfterCloseIsIllegalState() throws Exception {
        Client client = client("");
        client.send(ONE);
        client.close();
        client.close();
        expectIllegal(() -> client.send(ONE), IllegalStateException.class, "closed");
        expectIllegal(() -> client.sendBatch(ONE), IllegalStateException.class, "closed");
        expectIllegal(() -> client.sendBatch(ONE, null), IllegalStateException.class, "closed");
        expectIllegal(() -> client.send(ONE, "{}"), IllegalStateException.class, "closed");
    }

    // Each thread sends until the client is closed under it: every send
    // before that succeeds, every one after is IllegalStateException, and
    // the JVM survives (a free racing a send would crash it).
    static void closeWaitsForSendsInFlightOnOtherThreads() throws Exception {
        Client client = client("");
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger closedSeen = new AtomicInteger();
        List<String> odd = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                while (true) {
                    try {
                        client.send(ONE);
                        sent.incrementAndGet();
                    } catch (IllegalStateException e) {
                        closedSeen.incrementAndGet();
                        return;
                    } catch (Exception e) {
                        odd.add(e.toString());
                        return;
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        while (sent.get() < 20 && odd.isEmpty()) {
            Thread.yield();
        }
        client.close();
        for (Thread thread : threads) {
            thread.join();
        }
        check(odd.isEmpty(), "sends failed otherwise: " + odd);
        check(closedSeen.get() == 4, "threads that saw the close: " + closedSeen.get());
    }

    interface Call {
        void run() throws Exception;
    }

    static SplioException expectError(Call call, int status, String kind, String needle) {
        String what = Client.statusName(status) + " (" + needle + ")";
        try {
            call.run();
            fail(what + ": no exception");
        } catch (SplioException e) {
            check(e.status() == status, what + ": got " + e.statusName() + ": " + e.document());
            check(e.statusName().equals(Client.statusName(status)), what + ": name " + e.statusName());
            check(kind == null ? e.kind() == null : kind.equals(e.kind()), what + ": kind " + e.kind());
            if (kind != null) {
                check(e.document().contains("\"kind\":\"" + kind + "\""), what + ": document " + e.document());
            }
            check(e.document().contains(needle), what + ": not in " + e.document());
            check(!e.getMessage().contains(KEY) && !e.document().contains(KEY), what + ": the key shows");
            return e;
        } catch (Exception e) {
            fail(what + ": " + e);
        }
        return null;
    }

    static void expectIllegal(Call call, Class<? extends RuntimeException> type, String needle) {
        try {
            call.run();
            fail(type.getSimpleName() + " expected");
        } catch (Exception e) {
            check(type.isInstance(e) && e.getMessage().contains(needle), type.getSimpleName() + " expected, got " + e);
        }
    }

    static Client client(String extra) throws SplioException {
        return new Client("{\"universe\":\"" + UNIVERSE + "\",\"key\":\"" + KEY + "\",\"base_url\":\"" + base + "\""
                + extra + "}");
    }

    static void fault(String json) throws Exception {
        http("POST", "_sandbox/faults", json);
    }

    /** One request to the sandbox's control endpoints; the body, read as UTF-8. */
    static String http(String method, String path, String body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(control + path).openConnection();
        c.setRequestMethod(method);
        if (method.equals("POST")) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        try (InputStream in = c.getInputStream()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
            return new String(all.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures.add(what);
        }
    }

    static void fail(String what) {
        check(false, what);
    }
}

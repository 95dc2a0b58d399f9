import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import splio_sms.Client;
import splio_sms.SplioException;

/**
 * The Java binding's face for the conformance suite (tests/conformance),
 * the same line protocol as face.c: three lines in (the operation, the
 * settings JSON, the request JSON), one line out (the status name, a space,
 * the document). The texts go to the binding as they came. stdin and stdout
 * are UTF-8 here whatever the locale: the suite runs it under LANG=C.
 */
public final class ConformanceFace {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String op;
        while ((op = in.readLine()) != null) {
            String settings = in.readLine();
            String request = in.readLine();
            if (settings == null || request == null) {
                break;
            }
            String answer;
            try {
                answer = "SPLIO_OK " + call(op, settings, request);
            } catch (SplioException e) {
                answer = e.statusName() + " " + e.document();
            }
            out.println(answer);
            out.flush();
        }
    }

    private static String call(String op, String settings, String request) throws SplioException {
        switch (op) {
            case "preview":
                return Client.preview(request);
            case "validate":
                // The settings that change validation, when the case gives any.
                if (settings.isEmpty()) {
                    Client.validate(request);
                } else {
                    Client.validate(settings, request);
                }
                return "{\"status\":\"ok\"}";
            default:
                break;
        }
        try (Client client = new Client(settings)) {
            switch (op) {
                case "client_new":
                    return "{\"status\":\"ok\"}";
                case "send":
                    return client.send(request);
                default:
                    return client.sendBatch(request);
            }
        }
    }
}

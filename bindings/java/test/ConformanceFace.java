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
 * the document). The texts go to the binding as they came. A case's guards
 * follow the operation on its line ({@code send {"text": ...}}): they are
 * the options JSON of send, sendBatch and validate. stdin and stdout
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
            // null when the case has no guards: the calls without options.
            String options = null;
            int space = op.indexOf(' ');
            if (space >= 0) {
                options = op.substring(space + 1);
                op = op.substring(0, space);
            }
            String answer;
            try {
                answer = "SPLIO_OK " + call(op, settings, request, options);
            } catch (SplioException e) {
                answer = e.statusName() + " " + e.document();
            }
            out.println(answer);
            out.flush();
        }
    }

    private static String call(String op, String settings, String request, String options)
            throws SplioException {
        switch (op) {
            case "preview":
                return Client.preview(request);
            case "validate":
                // The settings that change validation, when the case gives any.
                if (options != null) {
                    Client.validate(settings.isEmpty() ? null : settings, request, options);
                } else if (settings.isEmpty()) {
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
                    return options == null ? client.send(request) : client.send(request, options);
                default:
                    return options == null ? client.sendBatch(request) : client.sendBatch(request, options);
            }
        }
    }
}

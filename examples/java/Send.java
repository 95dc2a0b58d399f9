/* Send one SMS through the Java binding: create a client, send, print, close.
 *
 *   make lib && make -C bindings/java
 *   javac -cp bindings/java/build/splio-sms.jar -d /tmp examples/java/Send.java
 *   SPLIO_UNIVERSE=... SPLIO_KEY=... java -cp bindings/java/build/splio-sms.jar:/tmp \
 *       -Djna.library.path=target/release Send +33612345678 AbCdEf123
 * SPLIO_BASE_URL points it at a sandbox (`cargo run --features cli -- sandbox`). */
import splio_sms.Client;
import splio_sms.SplioException;

public final class Send {
    public static void main(String[] args) {
        String universe = System.getenv("SPLIO_UNIVERSE");
        String key = System.getenv("SPLIO_KEY");
        String baseUrl = System.getenv("SPLIO_BASE_URL");
        if (args.length != 2 || universe == null || key == null) {
            System.err.println("usage: SPLIO_UNIVERSE=.. SPLIO_KEY=.. java Send CELLPHONE DESIGN_ID");
            System.exit(2);
        }
        String settings = "{\"universe\":" + quote(universe) + ",\"key\":" + quote(key)
                + (baseUrl != null ? ",\"base_url\":" + quote(baseUrl) : "") + "}";
        String request = "{\"message\":" + quote(args[1]) + ",\"rcpts\":[{\"cellphone\":" + quote(args[0]) + "}]}";
        try (Client client = new Client(settings)) {
            System.out.println("SPLIO_OK " + client.send(request));
        } catch (SplioException e) {
            System.err.println(e.statusName() + " " + e.document());
            System.exit(1);
        }
    }

    /** A JSON string literal: the values come from outside and may hold quotes. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

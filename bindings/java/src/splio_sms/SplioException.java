package splio_sms;

/**
 * A call that did not return {@code SPLIO_OK}: the status (as in
 * include/splio_sms.h), its name, and the library's JSON document, kept as
 * text since the JDK has no JSON parser. For every status but
 * {@code SPLIO_ERR_PARTIAL} the document is
 * {@code {"status": "error", "error": {"kind", "message", "http_status", "delivery", "attempts", ...}}};
 * from {@code sendBatch} it is the batch report whenever pieces were sent.
 * Neither the message nor the document ever holds the API key.
 */
public class SplioException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "SPLIO_ERR_";

    private final int status;
    private final String statusName;
    private final String document;

    SplioException(int status, String statusName, String document) {
        super(statusName + ": " + document);
        this.status = status;
        this.statusName = statusName;
        this.document = document;
    }

    /** The splio_status value, e.g. 3 for {@code SPLIO_ERR_AUTH}. */
    public int status() {
        return status;
    }

    /** The status's name from the library, e.g. {@code "SPLIO_ERR_AUTH"}. */
    public String statusName() {
        return statusName;
    }

    /** The library's JSON document, as returned. */
    public String document() {
        return document;
    }

    /**
     * The error's {@code kind} ({@code "auth"}, {@code "insufficient_credit"}, ...),
     * or null for a partial batch or a status this binding does not know.
     * Each error status names exactly one kind, so it is read from the
     * status rather than by parsing the document.
     */
    public String kind() {
        if (!statusName.startsWith(PREFIX) || status == Client.SPLIO_ERR_PARTIAL) {
            return null;
        }
        return statusName.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
    }
}

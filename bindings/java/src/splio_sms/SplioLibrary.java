package splio_sms;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI of include/splio_sms.h as JNA sees it. Every string goes in as a
 * NUL-terminated UTF-8 byte[] and comes out as a Pointer read as UTF-8:
 * JNA's String mapping would follow {@code jna.encoding} or the locale, and
 * under {@code LANG=C} turn "Zoé" into "Zo?".
 */
interface SplioLibrary extends Library {
    int splio_client_new(byte[] settingsJson, PointerByReference outClient, PointerByReference outJson);

    int splio_client_send(Pointer client, byte[] requestJson, PointerByReference outJson);

    int splio_client_send_with(Pointer client, byte[] requestJson, byte[] optionsJson, PointerByReference outJson);

    int splio_client_send_batch(Pointer client, byte[] requestJson, PointerByReference outJson);

    int splio_client_send_batch_with(
            Pointer client, byte[] requestJson, byte[] optionsJson, PointerByReference outJson);

    int splio_validate(byte[] requestJson, PointerByReference outJson);

    int splio_validate_with(byte[] settingsJson, byte[] requestJson, PointerByReference outJson);

    int splio_validate_with_options(
            byte[] settingsJson, byte[] requestJson, byte[] optionsJson, PointerByReference outJson);

    int splio_preview(byte[] previewJson, PointerByReference outJson);

    void splio_client_free(Pointer client);

    void splio_string_free(Pointer s);

    Pointer splio_status_name(int status);

    Pointer splio_version();

    /** Loaded on first use, so a missing library fails the first call, not class loading of the caller. */
    final class Holder {
        static final SplioLibrary LIB = load();

        private Holder() {}

        private static SplioLibrary load() {
            // An explicit file wins; otherwise JNA looks in jna.library.path,
            // then the system's library path (ldconfig, LD_LIBRARY_PATH).
            String path = System.getenv("SPLIO_SMS_LIBRARY");
            String name = path != null && !path.isEmpty() ? path : "splio_sms";
            return Native.load(name, SplioLibrary.class);
        }
    }
}

package dev.outrigger.packages.internal;

import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;

/**
 * The location of a package kept in a BookKeeper ledger: {@code bookkeeper://ledger/<ledgerId>}. The file name and
 * owner live in the ledger's custom metadata, not here, so the location stays valid whatever the user called it.
 */
final class LedgerLocation {

    static final String SCHEME = "bookkeeper";
    static final String PREFIX = SCHEME + "://ledger/";

    private LedgerLocation() {}

    static String of(long ledgerId) {
        return PREFIX + ledgerId;
    }

    /**
     * @return the ledger id the location names
     * @throws PackageException INVALID if it is not {@code bookkeeper://ledger/<non-negative number>}
     */
    static long parse(String location) throws PackageException {
        if (location.startsWith(PREFIX)) {
            String id = location.substring(PREFIX.length());
            if (!id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    return Long.parseLong(id);
                } catch (NumberFormatException e) {
                    // too long for a ledger id: reported below
                }
            }
        }
        throw new PackageException(Reason.INVALID,
                "Malformed package location '" + location + "': expected " + PREFIX + "<ledger id>");
    }
}

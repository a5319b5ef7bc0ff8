package dev.meet.app.recordings;

import dev.meet.app.web.ApiException;
import dev.meet.core.Recording;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /recordings}: filters (room id, room name by match mode, status), sorting and pages. The storage lists
 * by key only, so the listing reads every recording of the filter (one room's, or all) and filters and sorts them in
 * memory; page tokens are offsets bound to the query, so a token from another query is refused.
 */
public final class RecordingListing {

  /** Caps the work one regex match may do, so that a catastrophic pattern ends in a 422 instead of a hang. */
  static final int REGEX_STEP_BUDGET = 100_000;
  static final int MAX_REGEX_LENGTH = 200;

  private final RecordingManager recordings;

  public RecordingListing(RecordingManager recordings) {
    this.recordings = recordings;
  }

  /** A validated list query. */
  public record Query(@Nullable String roomId, @Nullable String roomName, String matchMode, boolean caseInsensitive,
      @Nullable RecordingStatus status, String sortField, String sortOrder, int maxItems, @Nullable String pageToken) {

    String fingerprint() {
      return Integer.toHexString(Objects.hash(roomId, roomId == null ? roomName : null, matchMode, caseInsensitive,
          status, sortField, sortOrder));
    }
  }

  /** One page and its token. */
  public record Result(List<Recording> recordings, @Nullable String nextPageToken, int maxItems) {}

  public Result list(Query query) {
    int offset = query.pageToken() == null ? 0 : offsetOf(query.pageToken(), query.fingerprint());
    Predicate<Recording> byName = query.roomId() == null && query.roomName() != null
        ? nameFilter(query.roomName(), query.matchMode(), query.caseInsensitive()) : r -> true;
    List<Recording> all = new ArrayList<>();
    String token = null;
    do {
      RecordingPage page = recordings.list(new RecordingQuery(query.roomId(), query.status(), RecordingQuery.MAX_ITEMS,
          token));
      for (Recording recording : page.recordings()) {
        if (byName.test(recording)) {
          all.add(recording);
        }
      }
      token = page.nextPageToken();
    } while (token != null);
    all.sort(comparator(query.sortField(), query.sortOrder()));
    if (offset > all.size()) {
      offset = all.size();
    }
    int end = Math.min(all.size(), offset + query.maxItems());
    String next = end < all.size() ? tokenOf(end, query.fingerprint()) : null;
    return new Result(List.copyOf(all.subList(offset, end)), next, query.maxItems());
  }

  static Comparator<Recording> comparator(String field, String order) {
    Function<Recording, @Nullable Comparable<?>> key = switch (field) {
      case "roomName" -> Recording::roomName;
      case "duration" -> Recording::duration;
      case "size" -> Recording::size;
      default -> Recording::startDate;
    };
    @SuppressWarnings({"unchecked", "rawtypes"})
    Comparator<Recording> byKey = Comparator.comparing(r -> (Comparable) key.apply(r),
        Comparator.nullsFirst(Comparator.naturalOrder()));
    if ("desc".equals(order)) {
      byKey = byKey.reversed();
    }
    return byKey.thenComparing(Recording::recordingId);
  }

  /**
   * The room-name filter; an invalid regex is a 422 at once, and a match that takes too many steps is a 422 too.
   */
  static Predicate<Recording> nameFilter(String name, String mode, boolean caseInsensitive) {
    String wanted = caseInsensitive ? name.toLowerCase(Locale.ROOT) : name;
    return switch (mode) {
      case "prefix" -> r -> fold(r.roomName(), caseInsensitive).startsWith(wanted);
      case "partial" -> r -> fold(r.roomName(), caseInsensitive).contains(wanted);
      case "regex" -> {
        if (name.length() > MAX_REGEX_LENGTH) {
          throw ApiException.invalid("roomName", "roomName pattern must be at most " + MAX_REGEX_LENGTH
              + " characters");
        }
        Pattern pattern;
        try {
          pattern = Pattern.compile(name, caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
          throw ApiException.invalid("roomName", "Invalid regular expression pattern");
        }
        yield r -> {
          try {
            return pattern.matcher(new BudgetedChars(r.roomName(), REGEX_STEP_BUDGET)).find();
          } catch (BudgetedChars.Exhausted e) {
            throw ApiException.invalid("roomName", "roomName pattern is too expensive to evaluate");
          }
        };
      }
      default -> r -> fold(r.roomName(), caseInsensitive).equals(wanted);
    };
  }

  private static String fold(String value, boolean caseInsensitive) {
    return caseInsensitive ? value.toLowerCase(Locale.ROOT) : value;
  }

  static String tokenOf(int offset, String fingerprint) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("o1:" + offset + ":" + fingerprint)
        .getBytes(StandardCharsets.UTF_8));
  }

  static int offsetOf(String token, String fingerprint) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8).split(":", -1);
      if (parts.length == 3 && parts[0].equals("o1") && parts[2].equals(fingerprint)) {
        int offset = Integer.parseInt(parts[1]);
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw ApiException.invalid("nextPageToken", "nextPageToken is invalid");
  }

  /**
   * A CharSequence that counts how often the regex engine reads it and gives up past a budget: java.util.regex has no
   * timeout, and a pattern like {@code (a+)+$} backtracks exponentially. Written by hand because no library offers a
   * bounded matcher for java.util.regex.
   */
  static final class BudgetedChars implements CharSequence {
    private final String text;
    private final int[] remaining;

    BudgetedChars(String text, int budget) {
      this(text, new int[] {budget});
    }

    private BudgetedChars(String text, int[] remaining) {
      this.text = text;
      this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
      if (--remaining[0] < 0) {
        throw new Exhausted();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BudgetedChars(text.substring(start, end), remaining);
    }

    @Override
    public String toString() {
      return text;
    }

    static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super("regex budget exhausted", null, false, false);
      }
    }
  }
}

package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.logcache.LogCacheAccess;
import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.LabelMatcher;
import dev.loggregator.trafficcontroller.promql.Selectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Log Cache's auth proxy for PromQL (log-cache-release {@code auth/cf_auth_middleware.go}, {@code
 * promql.ReplaceSourceIdSets}): each source id the query names may also be an app name, which the Cloud
 * Controller turns into the GUIDs of the apps of that name the caller sees ({@code /v3/apps?names=}); a
 * caller without an admin scope keeps only the ids the Cloud Controller lets it read, and is refused
 * when none is left for one of them. The query's {@code source_id} matchers are rewritten to the ids kept
 * ({@code =} becomes {@code =~} when there are several). Ids shaped like GUIDs are not looked up as names.
 */
final class SourceIdAccess {
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final LogCacheAccess access;

    SourceIdAccess(LogCacheAccess access) {
        this.access = access;
    }

    /** The query with its source ids expanded and checked; null when the caller is refused (a 404). */
    CompletableFuture<Expr> authorize(Expr expr, Set<String> sourceIds, String authorization) {
        return access.admin(authorization).thenCompose(admin -> {
            if (admin == null) {
                return CompletableFuture.completedFuture(null);
            }
            List<String> names = sourceIds.stream().filter(id -> !GUID.matcher(id).matches()).toList();
            CompletableFuture<Map<String, List<String>>> related = access.capi() == null || names.isEmpty()
                    ? CompletableFuture.completedFuture(Map.of()) : access.capi().appGuidsByName(names, authorization);
            return related.thenCompose(guids -> {
                Map<String, List<String>> sets = new LinkedHashMap<>();
                List<CompletableFuture<Void>> checks = new ArrayList<>();
                for (String id : sourceIds) {
                    List<String> candidates = new ArrayList<>(guids.getOrDefault(id, List.of()));
                    candidates.add(id);
                    if (admin) {
                        sets.put(id, candidates);
                        continue;
                    }
                    List<CompletableFuture<Boolean>> allowed = candidates.stream()
                            .map(candidate -> access.userMayRead(candidate, authorization)).toList();
                    checks.add(CompletableFuture.allOf(allowed.toArray(CompletableFuture[]::new)).thenRun(() -> {
                        List<String> kept = new ArrayList<>();
                        for (int i = 0; i < candidates.size(); i++) {
                            if (allowed.get(i).join()) {
                                kept.add(candidates.get(i));
                            }
                        }
                        synchronized (sets) {
                            sets.put(id, kept);
                        }
                    }));
                }
                return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
                    for (List<String> kept : sets.values()) {
                        if (kept.isEmpty()) {
                            return null;
                        }
                    }
                    return rewrite(expr, sets);
                });
            });
        });
    }

    /** Every source id of the query: {@code source_id="a"} names a, {@code source_id=~"a|b"} a and b. */
    static Set<String> sourceIds(Expr expr) {
        Set<String> ids = new LinkedHashSet<>();
        Selectors.walk(expr, (selector, range) -> ids.addAll(LogCacheSelections.sourceIds(selector.matchers())));
        return ids;
    }

    static Expr rewrite(Expr expr, Map<String, List<String>> sets) {
        if (expr instanceof Expr.VectorSelector selector) {
            return rewrite(selector, sets);
        }
        if (expr instanceof Expr.MatrixSelector matrix) {
            return new Expr.MatrixSelector(rewrite(matrix.selector(), sets), matrix.rangeMillis());
        }
        if (expr instanceof Expr.Paren paren) {
            return new Expr.Paren(rewrite(paren.expr(), sets));
        }
        if (expr instanceof Expr.Unary unary) {
            return new Expr.Unary(unary.negate(), rewrite(unary.expr(), sets));
        }
        if (expr instanceof Expr.Binary binary) {
            return new Expr.Binary(binary.op(), rewrite(binary.lhs(), sets), rewrite(binary.rhs(), sets),
                    binary.returnBool(), binary.matching());
        }
        if (expr instanceof Expr.Aggregate aggregate) {
            return new Expr.Aggregate(aggregate.op(), rewrite(aggregate.expr(), sets),
                    aggregate.param() == null ? null : rewrite(aggregate.param(), sets), aggregate.grouping(), aggregate.without());
        }
        if (expr instanceof Expr.Call call) {
            return new Expr.Call(call.function(), call.args().stream().map(arg -> rewrite(arg, sets)).toList());
        }
        return expr;
    }

    private static Expr.VectorSelector rewrite(Expr.VectorSelector selector, Map<String, List<String>> sets) {
        List<LabelMatcher> matchers = new ArrayList<>(selector.matchers().size());
        for (LabelMatcher matcher : selector.matchers()) {
            List<String> ids = null;
            if (matcher.name().equals(LogCacheSelections.SOURCE_ID) && matcher.type() == LabelMatcher.Type.EQUAL) {
                ids = sets.get(matcher.value());
            } else if (matcher.name().equals(LogCacheSelections.SOURCE_ID) && matcher.type() == LabelMatcher.Type.REGEX) {
                ids = new ArrayList<>();
                for (String part : matcher.value().split("\\|", -1)) {
                    ids.addAll(sets.getOrDefault(part, List.of()));
                }
            }
            if (ids == null) {
                matchers.add(matcher);
            } else {
                matchers.add(LabelMatcher.of(matcher.name(), ids.size() > 1 ? LabelMatcher.Type.REGEX : LabelMatcher.Type.EQUAL,
                        String.join("|", ids)));
            }
        }
        return new Expr.VectorSelector(selector.name(), List.copyOf(matchers), selector.offsetMillis());
    }
}

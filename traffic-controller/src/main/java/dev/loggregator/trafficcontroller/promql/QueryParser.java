package dev.loggregator.trafficcontroller.promql;

import dev.loggregator.trafficcontroller.promql.Expr.VectorMatching;
import dev.loggregator.trafficcontroller.promql.Expr.VectorMatching.Cardinality;
import dev.loggregator.trafficcontroller.promql.grammar.PromQLBaseVisitor;
import dev.loggregator.trafficcontroller.promql.grammar.PromQLLexer;
import dev.loggregator.trafficcontroller.promql.grammar.PromQLParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Parses a query with the ANTLR parser generated from {@code PromQL.g4} and turns the tree into a
 * type-checked {@link Expr}, with the error messages of Prometheus's parser ("parse error at char N: ...").
 */
public final class QueryParser {
    private QueryParser() {
    }

    /** @throws PromQLException (kind PARSE) for a query that does not parse or does not type-check */
    public static Expr parse(String query) {
        if (query.isBlank()) {
            throw PromQLException.parse("parse error at char " + (query.length() + 1) + ": no expression found in input");
        }
        PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(query));
        PromQLParser parser = new PromQLParser(new CommonTokenStream(lexer));
        ThrowingListener errors = new ThrowingListener();
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        PromQLParser.QueryContext tree = parser.query();
        return new Builder().visit(tree.expression());
    }

    /** The first syntax error ends parsing, as in Prometheus. */
    private static final class ThrowingListener extends BaseErrorListener {
        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int position, String message,
                                RecognitionException e) {
            String what = offending instanceof Token token
                    ? token.getType() == Token.EOF ? "end of input" : GoText.quote(token.getText()) : message;
            throw PromQLException.parse("parse error at char " + (position + 1) + ": unexpected " + what);
        }
    }

    private static PromQLException error(Token at, String message) {
        return PromQLException.parse("parse error at char " + (at.getCharPositionInLine() + 1) + ": " + message);
    }

    private static final class Builder extends PromQLBaseVisitor<Expr> {
        @Override
        public Expr visitParenthesised(PromQLParser.ParenthesisedContext ctx) {
            return new Expr.Paren(visit(ctx.expression()));
        }

        @Override
        public Expr visitNumberLiteral(PromQLParser.NumberLiteralContext ctx) {
            String text = ctx.getText();
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("inf")) {
                return new Expr.NumberLiteral(Double.POSITIVE_INFINITY);
            }
            if (lower.equals("nan")) {
                return new Expr.NumberLiteral(Double.NaN);
            }
            if (lower.startsWith("0x")) {
                return new Expr.NumberLiteral(Long.parseUnsignedLong(text.substring(2), 16));
            }
            return new Expr.NumberLiteral(Double.parseDouble(text));
        }

        @Override
        public Expr visitStringLiteral(PromQLParser.StringLiteralContext ctx) {
            return new Expr.StringLiteral(unquote(ctx.STRING().getSymbol()));
        }

        @Override
        public Expr visitUnaryOperation(PromQLParser.UnaryOperationContext ctx) {
            Expr operand = visit(ctx.expression());
            boolean negate = ctx.op.getType() == PromQLParser.SUB;
            if (operand instanceof Expr.NumberLiteral number) {
                return negate ? new Expr.NumberLiteral(-number.value()) : number;
            }
            if (operand.type() != ValueType.SCALAR && operand.type() != ValueType.VECTOR) {
                throw error(ctx.op, "unary expression only allowed on expressions of type scalar or instant vector, got "
                        + GoText.quote(operand.type().documented()));
            }
            return new Expr.Unary(negate, operand);
        }

        @Override
        public Expr visitBinaryOperation(PromQLParser.BinaryOperationContext ctx) {
            Expr lhs = visit(ctx.expression(0));
            Expr rhs = visit(ctx.expression(1));
            BinaryOp op = BinaryOp.of(ctx.op.getText());
            PromQLParser.BinaryModifiersContext modifiers = ctx.binaryModifiers();
            boolean returnBool = modifiers.BOOL() != null;
            if (returnBool && !op.isComparison()) {
                throw error(ctx.op, "bool modifier can only be used on comparison operators");
            }
            ValueType lt = lhs.type();
            ValueType rt = rhs.type();
            if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
                throw error(ctx.op, "comparisons between scalars must use BOOL modifier");
            }
            boolean on = modifiers.matching != null && modifiers.matching.getType() == PromQLParser.ON;
            List<String> matchingLabels = modifiers.matching == null ? List.of() : labelNames(modifiers.labelNameList(0));
            Cardinality cardinality = op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE;
            List<String> include = List.of();
            if (modifiers.side != null) {
                cardinality = modifiers.side.getType() == PromQLParser.GROUP_LEFT ? Cardinality.MANY_TO_ONE
                        : Cardinality.ONE_TO_MANY;
                include = modifiers.labelNameList().size() > 1 ? labelNames(modifiers.labelNameList(1)) : List.of();
                for (String label : include) {
                    if (on && matchingLabels.contains(label)) {
                        throw error(ctx.op, "label " + GoText.quote(label) + " must not occur in ON and GROUP clause at once");
                    }
                }
            }
            if ((lt != ValueType.SCALAR && lt != ValueType.VECTOR) || (rt != ValueType.SCALAR && rt != ValueType.VECTOR)) {
                throw error(ctx.op, "binary expression must contain only scalar and instant vector types");
            }
            VectorMatching matching = null;
            if (lt == ValueType.VECTOR && rt == ValueType.VECTOR) {
                if (op.isSetOperator() && cardinality != Cardinality.MANY_TO_MANY) {
                    throw error(ctx.op, "no grouping allowed for " + GoText.quote(op.symbol()) + " operation");
                }
                matching = new VectorMatching(cardinality, on, matchingLabels, include);
            } else if (!matchingLabels.isEmpty()) {
                throw error(ctx.op, "vector matching only allowed between instant vectors");
            }
            if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
                throw error(ctx.op, "set operator " + GoText.quote(op.symbol()) + " not allowed in binary scalar expression");
            }
            return new Expr.Binary(op, lhs, rhs, returnBool, matching);
        }

        @Override
        public Expr visitAggregationExpression(PromQLParser.AggregationExpressionContext ctx) {
            PromQLParser.AggregationContext aggregation = ctx.aggregation();
            Token keyword = aggregation.AGGREGATION_OPERATOR().getSymbol();
            AggregateOp op = AggregateOp.of(keyword.getText());
            if (aggregation.before != null && aggregation.after != null) {
                throw error(aggregation.after.kind, "aggregation must only contain one grouping clause");
            }
            PromQLParser.GroupingContext grouping = aggregation.before != null ? aggregation.before : aggregation.after;
            List<PromQLParser.ExpressionContext> args = aggregation.expression();
            if (op.hasParameter() != (args.size() == 2)) {
                throw error(keyword, op.hasParameter()
                        ? "unexpected \")\" in aggregation, expected \",\""
                        : "unexpected \",\" in aggregation, expected \")\"");
            }
            Expr param = op.hasParameter() ? visit(args.get(0)) : null;
            Expr expr = visit(args.get(args.size() - 1));
            if (expr.type() != ValueType.VECTOR) {
                throw error(keyword, "expected type instant vector in aggregation expression, got " + expr.type().documented());
            }
            if (op == AggregateOp.COUNT_VALUES) {
                throw error(keyword, "aggregation count_values is not supported");
            }
            if (param != null && param.type() != ValueType.SCALAR) {
                throw error(keyword, "expected type scalar in aggregation parameter, got " + param.type().documented());
            }
            List<String> labels = grouping == null ? List.of() : labelNames(grouping.labelNameList());
            return new Expr.Aggregate(op, expr, param, labels, grouping != null && grouping.kind.getType() == PromQLParser.WITHOUT);
        }

        @Override
        public Expr visitFunctionExpression(PromQLParser.FunctionExpressionContext ctx) {
            PromQLParser.FunctionCallContext call = ctx.functionCall();
            Token name = call.IDENTIFIER().getSymbol();
            Function function = Function.named(name.getText());
            if (function == null) {
                throw error(name, "unknown function with name " + GoText.quote(name.getText()));
            }
            List<Expr> args = new ArrayList<>();
            for (PromQLParser.ExpressionContext arg : call.expression()) {
                args.add(visit(arg));
            }
            if (args.size() != function.argTypes().size()) {
                throw error(name, "expected " + function.argTypes().size() + " argument(s) in call to "
                        + GoText.quote(function.functionName()) + ", got " + args.size());
            }
            for (int i = 0; i < args.size(); i++) {
                ValueType want = function.argTypes().get(i);
                if (args.get(i).type() != want) {
                    throw error(name, "expected type " + want.documented() + " in call to function "
                            + GoText.quote(function.functionName()) + ", got " + args.get(i).type().documented());
                }
            }
            return new Expr.Call(function, List.copyOf(args));
        }

        @Override
        public Expr visitSelectorExpression(PromQLParser.SelectorExpressionContext ctx) {
            PromQLParser.SelectorContext selector = ctx.selector();
            PromQLParser.VectorSelectorContext vector = selector.vectorSelector();
            String name = vector.metricName() == null ? null : vector.metricName().getText();
            List<LabelMatcher> matchers = new ArrayList<>();
            if (vector.labelMatchers() != null) {
                for (PromQLParser.LabelMatcherContext matcher : vector.labelMatchers().labelMatcher()) {
                    String label = matcher.labelName().getText();
                    if (name != null && label.equals(Labels.METRIC_NAME)) {
                        throw error(matcher.op, "metric name must not be set twice: " + GoText.quote(name) + " or "
                                + GoText.quote(unquote(matcher.STRING().getSymbol())));
                    }
                    matchers.add(LabelMatcher.of(label, matchType(matcher.op), unquote(matcher.STRING().getSymbol())));
                }
            }
            if (name != null) {
                matchers.add(LabelMatcher.of(Labels.METRIC_NAME, LabelMatcher.Type.EQUAL, name));
            }
            boolean notEmpty = matchers.stream().anyMatch(m -> !m.matches(""));
            Token start = vector.getStart();
            if (!notEmpty) {
                throw error(start, "vector selector must contain at least one non-empty matcher");
            }
            long offset = selector.offset == null ? 0 : duration(selector.offset);
            Expr.VectorSelector vs = new Expr.VectorSelector(name, List.copyOf(matchers), offset);
            return selector.range == null ? vs : new Expr.MatrixSelector(vs, duration(selector.range));
        }

        private static LabelMatcher.Type matchType(Token op) {
            return switch (op.getType()) {
                case PromQLParser.EQL -> LabelMatcher.Type.EQUAL;
                case PromQLParser.NEQ -> LabelMatcher.Type.NOT_EQUAL;
                case PromQLParser.EQL_REGEX -> LabelMatcher.Type.REGEX;
                default -> LabelMatcher.Type.NOT_REGEX;
            };
        }

        private static long duration(Token token) {
            Long millis = Durations.millis(token.getText());
            if (millis == null) {
                throw error(token, "bad duration syntax: " + GoText.quote(token.getText()));
            }
            if (millis == 0) {
                throw error(token, "duration must be greater than 0");
            }
            return millis;
        }

        private static List<String> labelNames(PromQLParser.LabelNameListContext list) {
            List<String> names = new ArrayList<>();
            for (PromQLParser.LabelNameContext name : list.labelName()) {
                names.add(name.getText());
            }
            return List.copyOf(names);
        }

        private static String unquote(Token literal) {
            try {
                return GoText.unquote(literal.getText());
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw error(literal, "error unquoting string " + GoText.quote(literal.getText()) + ": invalid syntax");
            }
        }

        @Override
        protected Expr aggregateResult(Expr aggregate, Expr nextResult) {
            return nextResult == null ? aggregate : nextResult;
        }
    }
}

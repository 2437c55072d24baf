/*
 * The PromQL subset Log Cache's clients send (issue 20), written for this project from Prometheus's
 * documented query language: selectors with label matchers, range selectors and offsets, function
 * calls, aggregations with by/without, and binary operators with bool, on/ignoring and
 * group_left/group_right. Operator precedence, highest first: ^ (right-associative), unary - and +,
 * * / %, + -, comparisons, and/unless, or. Keywords are case-insensitive, as in Prometheus. Types and
 * everything else the grammar cannot say are checked when the tree becomes the AST (PromQLParser).
 */
grammar PromQL;

query
    : expression EOF
    ;

expression
    : <assoc=right> expression op=POW binaryModifiers expression                            # binaryOperation
    | op=(ADD | SUB) expression                                                              # unaryOperation
    | expression op=(MUL | DIV | MOD) binaryModifiers expression                             # binaryOperation
    | expression op=(ADD | SUB) binaryModifiers expression                                   # binaryOperation
    | expression op=(EQLC | NEQ | GTR | LSS | GTE | LTE) binaryModifiers expression          # binaryOperation
    | expression op=(AND | UNLESS) binaryModifiers expression                                # binaryOperation
    | expression op=OR binaryModifiers expression                                            # binaryOperation
    | LEFT_PAREN expression RIGHT_PAREN                                                      # parenthesised
    | aggregation                                                                            # aggregationExpression
    | functionCall                                                                           # functionExpression
    | selector                                                                               # selectorExpression
    | (NUMBER | SPECIAL_NUMBER)                                                              # numberLiteral
    | STRING                                                                                 # stringLiteral
    ;

binaryModifiers
    : BOOL? (matching=(ON | IGNORING) labelNameList (side=(GROUP_LEFT | GROUP_RIGHT) labelNameList?)?)?
    ;

aggregation
    : AGGREGATION_OPERATOR before=grouping? LEFT_PAREN expression (COMMA expression)? RIGHT_PAREN after=grouping?
    ;

grouping
    : kind=(BY | WITHOUT) labelNameList
    ;

functionCall
    : IDENTIFIER LEFT_PAREN (expression (COMMA expression)*)? RIGHT_PAREN
    ;

selector
    : vectorSelector (LEFT_BRACKET range=DURATION RIGHT_BRACKET)? (OFFSET offset=DURATION)?
    ;

vectorSelector
    : metricName labelMatchers?
    | labelMatchers
    ;

metricName
    : IDENTIFIER
    | METRIC_IDENTIFIER
    ;

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

labelMatcher
    : labelName op=(EQL | NEQ | EQL_REGEX | NEQ_REGEX) STRING
    ;

labelNameList
    : LEFT_PAREN (labelName (COMMA labelName)* COMMA?)? RIGHT_PAREN
    ;

// Inside braces and label lists any word is a label name, keywords included.
labelName
    : IDENTIFIER
    | SPECIAL_NUMBER
    | AGGREGATION_OPERATOR
    | AND | OR | UNLESS | BY | WITHOUT | ON | IGNORING | GROUP_LEFT | GROUP_RIGHT | OFFSET | BOOL
    ;

// Keywords (before the identifiers, so that a keyword wins a tie of equal length).
AND : A N D ;
OR : O R ;
UNLESS : U N L E S S ;
BY : B Y ;
WITHOUT : W I T H O U T ;
ON : O N ;
IGNORING : I G N O R I N G ;
GROUP_LEFT : G R O U P '_' L E F T ;
GROUP_RIGHT : G R O U P '_' R I G H T ;
OFFSET : O F F S E T ;
BOOL : B O O L ;
AGGREGATION_OPERATOR
    : S U M | A V G | C O U N T | M I N | M A X | S T D D E V | S T D V A R | T O P K | B O T T O M K
    | Q U A N T I L E | C O U N T '_' V A L U E S
    ;
SPECIAL_NUMBER : I N F | N A N ;

DURATION : (DIGITS ('ms' | [smhdwy]))+ ;
NUMBER
    : DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    | '0' [xX] [0-9a-fA-F]+
    ;
STRING
    : '"' (ESCAPE | ~["\\\n])* '"'
    | '\'' (ESCAPE | ~['\\\n])* '\''
    | '`' ~'`'* '`'
    ;

IDENTIFIER : [a-zA-Z_] [a-zA-Z0-9_]* ;
METRIC_IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]* ;

LEFT_PAREN : '(' ;
RIGHT_PAREN : ')' ;
LEFT_BRACE : '{' ;
RIGHT_BRACE : '}' ;
LEFT_BRACKET : '[' ;
RIGHT_BRACKET : ']' ;
COMMA : ',' ;
ADD : '+' ;
SUB : '-' ;
MUL : '*' ;
DIV : '/' ;
MOD : '%' ;
POW : '^' ;
EQLC : '==' ;
NEQ : '!=' ;
GTE : '>=' ;
LTE : '<=' ;
GTR : '>' ;
LSS : '<' ;
EQL_REGEX : '=~' ;
NEQ_REGEX : '!~' ;
EQL : '=' ;

COMMENT : '#' ~[\r\n]* -> skip ;
WHITESPACE : [ \t\r\n]+ -> skip ;
// Anything else becomes a token of its own, so the parser reports it where it stands.
UNEXPECTED : . ;

fragment DIGITS : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
fragment ESCAPE : '\\' . ;
fragment A : [aA] ;
fragment B : [bB] ;
fragment C : [cC] ;
fragment D : [dD] ;
fragment E : [eE] ;
fragment F : [fF] ;
fragment G : [gG] ;
fragment H : [hH] ;
fragment I : [iI] ;
fragment K : [kK] ;
fragment L : [lL] ;
fragment M : [mM] ;
fragment N : [nN] ;
fragment O : [oO] ;
fragment P : [pP] ;
fragment Q : [qQ] ;
fragment R : [rR] ;
fragment S : [sS] ;
fragment T : [tT] ;
fragment U : [uU] ;
fragment V : [vV] ;
fragment W : [wW] ;
fragment X : [xX] ;
fragment Y : [yY] ;

// SPDX-License-Identifier: MIT
#include "policy/parser.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util/vector.h"

struct parser {
	const struct moat_token *tokens;
	size_t position;
	const struct moat_source *source;
	struct moat_diagnostics *diagnostics;
	struct moat_arena *arena;
	enum moat_ast_section section;
	size_t statements_seen;
	bool failed;
	bool out_of_memory;
};

static const char *const section_names[] = {
        [MOAT_SECTION_NONE] = "",
        [MOAT_SECTION_SYSCALLS] = "syscalls",
        [MOAT_SECTION_FILESYSTEM] = "filesystem",
        [MOAT_SECTION_NETWORK] = "network",
        [MOAT_SECTION_NAMESPACES] = "namespaces",
        [MOAT_SECTION_MOUNTS] = "mounts",
        [MOAT_SECTION_LIMITS] = "limits",
        [MOAT_SECTION_PROCESS] = "process",
        [MOAT_SECTION_BROKER] = "broker",
};

/* The statements of every section but [syscalls], and how many words follow them. */
static const struct {
	enum moat_ast_section section;
	const char *keyword;
	unsigned minimum;
	unsigned maximum;
	const char *usage;
} settings[] = {
        {MOAT_SECTION_FILESYSTEM, "read", 1, ~0U, "read PATH..."},
        {MOAT_SECTION_FILESYSTEM, "write", 1, ~0U, "write PATH..."},
        {MOAT_SECTION_FILESYSTEM, "exec", 1, ~0U, "exec PATH..."},
        {MOAT_SECTION_FILESYSTEM, "allow", 2, ~0U, "allow RIGHT[,RIGHT...] PATH..."},
        {MOAT_SECTION_NETWORK, "connect", 2, ~0U, "connect tcp PORT...|none"},
        {MOAT_SECTION_NETWORK, "bind", 2, ~0U, "bind tcp PORT...|none"},
        {MOAT_SECTION_NETWORK, "scope", 1, ~0U, "scope abstract-unix|signal..."},
        {MOAT_SECTION_NETWORK, "egress", 3, ~0U, "egress ADDRESS[/PREFIX] tcp|udp PORT[-PORT]..."},
        {MOAT_SECTION_NAMESPACES, "unshare", 1, ~0U, "unshare NAMESPACE...|all"},
        {MOAT_SECTION_NAMESPACES, "hostname", 1, 1, "hostname NAME"},
        {MOAT_SECTION_NAMESPACES, "uid", 1, 1, "uid NUMBER"},
        {MOAT_SECTION_NAMESPACES, "gid", 1, 1, "gid NUMBER"},
        {MOAT_SECTION_MOUNTS, "bind", 1, 3, "bind SOURCE [DESTINATION] [ro|rw]"},
        {MOAT_SECTION_MOUNTS, "tmpfs", 1, ~0U, "tmpfs DESTINATION [size=SIZE] [mode=OCTAL]"},
        {MOAT_SECTION_MOUNTS, "proc", 1, 1, "proc DESTINATION"},
        {MOAT_SECTION_MOUNTS, "dev", 1, 2, "dev DESTINATION [shm=SIZE]"},
        {MOAT_SECTION_MOUNTS, "symlink", 2, 2, "symlink TARGET LINK"},
        {MOAT_SECTION_LIMITS, "as", 1, 2, "as SIZE [HARD]"},
        {MOAT_SECTION_LIMITS, "cpu", 1, 2, "cpu SECONDS [HARD]"},
        {MOAT_SECTION_LIMITS, "data", 1, 2, "data SIZE [HARD]"},
        {MOAT_SECTION_LIMITS, "fsize", 1, 2, "fsize SIZE [HARD]"},
        {MOAT_SECTION_LIMITS, "nofile", 1, 2, "nofile COUNT [HARD]"},
        {MOAT_SECTION_LIMITS, "nproc", 1, 2, "nproc COUNT [HARD]"},
        {MOAT_SECTION_LIMITS, "stack", 1, 2, "stack SIZE [HARD]"},
        {MOAT_SECTION_LIMITS, "core", 1, 2, "core SIZE [HARD]"},
        {MOAT_SECTION_LIMITS, "memlock", 1, 2, "memlock SIZE [HARD]"},
        {MOAT_SECTION_PROCESS, "env", 1, ~0U,
         "env clear | env keep NAME... | env set NAME=VALUE..."},
        {MOAT_SECTION_PROCESS, "cwd", 1, 1, "cwd PATH"},
        {MOAT_SECTION_PROCESS, "capabilities", 1, ~0U,
         "capabilities none | capabilities keep CAP..."},
        {MOAT_SECTION_PROCESS, "new-session", 1, 1, "new-session yes|no"},
        {MOAT_SECTION_PROCESS, "close-fds", 1, 1, "close-fds yes|no"},
        {MOAT_SECTION_PROCESS, "die-with-parent", 1, 1, "die-with-parent yes|no"},
        {MOAT_SECTION_BROKER, "open", 2, 2, "open read|write PATH"},
        {MOAT_SECTION_BROKER, "connect", 2, 2, "connect tcp ADDRESS:PORT | connect unix PATH"},
};

static const struct {
	const char *keyword;
	enum moat_action_kind kind;
} actions[] = {
        {"allow", MOAT_ACTION_ALLOW},
        {"kill", MOAT_ACTION_KILL_PROCESS},
        {"kill-process", MOAT_ACTION_KILL_PROCESS},
        {"kill-thread", MOAT_ACTION_KILL_THREAD},
        {"trap", MOAT_ACTION_TRAP},
        {"log", MOAT_ACTION_LOG},
        {"errno", MOAT_ACTION_ERRNO},
        {"notify", MOAT_ACTION_NOTIFY},
};

const char *moat_section_name(enum moat_ast_section section)
{
	return section_names[section];
}

static const struct moat_token *current(const struct parser *parser)
{
	return &parser->tokens[parser->position];
}

static bool at_end_of_statement(const struct parser *parser)
{
	enum moat_token_kind kind = current(parser)->kind;

	return kind == MOAT_TOKEN_NEWLINE || kind == MOAT_TOKEN_END;
}

static const struct moat_token *take(struct parser *parser)
{
	const struct moat_token *token = current(parser);

	if (token->kind != MOAT_TOKEN_END)
		parser->position++;
	return token;
}

static bool is_operator(const struct moat_token *token, enum moat_operator operator)
{
	return token->kind == MOAT_TOKEN_OPERATOR && token->operator== operator;
}

static bool is_word(const struct moat_token *token, const char *text)
{
	return token->kind == MOAT_TOKEN_WORD && !strcmp(token->text, text);
}

__attribute__((format(printf, 3, 4))) static void
parse_error(struct parser *parser, const struct moat_location *location, const char *format, ...)
{
	va_list arguments;

	parser->failed = true;
	va_start(arguments, format);
	moat_vdiagnose(parser->diagnostics, MOAT_SEVERITY_ERROR, parser->source, location, format,
	               arguments);
	va_end(arguments);
}

/* How a token is named in a message: its text, or what it is. */
static const char *describe(const struct moat_token *token)
{
	switch (token->kind) {
	case MOAT_TOKEN_NEWLINE:
		return "the end of the line";
	case MOAT_TOKEN_END:
		return "the end of the file";
	case MOAT_TOKEN_SECTION:
		return "a section header";
	default:
		return token->text;
	}
}

static void skip_statement(struct parser *parser)
{
	while (!at_end_of_statement(parser))
		take(parser);
}

static struct moat_ast_word word_of(const struct moat_token *token)
{
	return (struct moat_ast_word){token->text, token->location,
	                              token->kind == MOAT_TOKEN_STRING};
}

static void *push(struct parser *parser, struct moat_vector *vector, size_t size)
{
	void *item = moat_vector_push(vector, parser->arena, size);

	if (!item)
		parser->out_of_memory = true;
	return item;
}

/* ---- conditions ------------------------------------------------------ */

static bool parse_value(struct parser *parser, struct moat_ast_value *value, const char *after)
{
	struct moat_vector terms = {0};

	for (;;) {
		const struct moat_token *token = current(parser);
		struct moat_ast_word *term;

		if (token->kind != MOAT_TOKEN_WORD) {
			parse_error(parser, &token->location,
			            "expected a number or a constant name %s", after);
			return false;
		}
		term = push(parser, &terms, sizeof(*term));
		if (!term)
			return false;
		*term = word_of(take(parser));
		if (!is_operator(current(parser), MOAT_OPERATOR_BIT_OR))
			break;
		take(parser);
		after = "after '|'";
	}
	value->terms = terms.items;
	value->count = terms.count;
	return true;
}

static bool parse_set(struct parser *parser, struct moat_ast_comparison *comparison)
{
	const struct moat_token *open = current(parser);
	struct moat_vector set = {0};

	if (!is_operator(open, MOAT_OPERATOR_OPEN_BRACE)) {
		parse_error(parser, &open->location, "expected '{' after 'in', found '%s'",
		            describe(open));
		return false;
	}
	take(parser);
	while (!is_operator(current(parser), MOAT_OPERATOR_CLOSE_BRACE)) {
		struct moat_ast_value *value = push(parser, &set, sizeof(*value));

		if (!value || !parse_value(parser, value, "in the set"))
			return false;
		if (is_operator(current(parser), MOAT_OPERATOR_COMMA))
			take(parser);
		else if (!is_operator(current(parser), MOAT_OPERATOR_CLOSE_BRACE)) {
			parse_error(parser, &current(parser)->location,
			            "expected ',' or '}' in the set, found '%s'",
			            describe(current(parser)));
			return false;
		}
	}
	take(parser);
	if (set.count == 0) {
		parse_error(parser, &open->location, "%s", "an empty set can never match");
		return false;
	}
	comparison->set = set.items;
	comparison->set_count = set.count;
	return true;
}

static bool parse_argument_name(struct parser *parser, struct moat_ast_comparison *comparison)
{
	const struct moat_token *token = current(parser);
	const char *text = token->text;

	if (token->kind != MOAT_TOKEN_WORD || strncmp(text, "arg", 3) != 0 || text[3] < '0' ||
	    text[3] > '5' || text[4] != '\0') {
		parse_error(parser, &token->location,
		            "expected an argument (arg0 to arg5), found '%s'", describe(token));
		return false;
	}
	comparison->arg = (unsigned)(text[3] - '0');
	comparison->location = token->location;
	take(parser);
	return true;
}

static bool parse_comparison_operator(struct parser *parser, struct moat_ast_comparison *comparison)
{
	static const struct {
		enum moat_operator token;
		enum moat_compare_op op;
	} map[] = {
	        {MOAT_OPERATOR_EQUAL, MOAT_COMPARE_EQ},
	        {MOAT_OPERATOR_NOT_EQUAL, MOAT_COMPARE_NE},
	        {MOAT_OPERATOR_LESS, MOAT_COMPARE_LT},
	        {MOAT_OPERATOR_LESS_EQUAL, MOAT_COMPARE_LE},
	        {MOAT_OPERATOR_GREATER, MOAT_COMPARE_GT},
	        {MOAT_OPERATOR_GREATER_EQUAL, MOAT_COMPARE_GE},
	};
	const struct moat_token *token = current(parser);

	if (is_word(token, "in")) {
		take(parser);
		comparison->op = MOAT_COMPARE_IN;
		return parse_set(parser, comparison);
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (is_operator(token, map[i].token)) {
			take(parser);
			comparison->op = map[i].op;
			return parse_value(parser, &comparison->value, "after the comparison");
		}
	}
	parse_error(parser, &token->location,
	            "expected a comparison (== != < <= > >= or in), found '%s'", describe(token));
	return false;
}

static bool parse_comparison(struct parser *parser, struct moat_ast_comparison *comparison)
{
	if (!parse_argument_name(parser, comparison))
		return false;
	if (is_operator(current(parser), MOAT_OPERATOR_BIT_AND)) {
		take(parser);
		comparison->has_mask = true;
		if (!parse_value(parser, &comparison->mask, "as the mask after '&'"))
			return false;
	}
	return parse_comparison_operator(parser, comparison);
}

/* After `&&` or `||` a comparison must follow; say so at the operator. */
static bool expect_operand(struct parser *parser, const struct moat_token *operator)
{
	if (!at_end_of_statement(parser))
		return true;
	parse_error(parser, &operator->location,
	            "'%s' must be followed by a comparison", operator->text);
	return false;
}

static bool parse_conjunction(struct parser *parser, struct moat_ast_conjunction *conjunction)
{
	struct moat_vector comparisons = {0};

	for (;;) {
		struct moat_ast_comparison *comparison =
		        push(parser, &comparisons, sizeof(*comparison));

		if (!comparison || !parse_comparison(parser, comparison))
			return false;
		if (!is_operator(current(parser), MOAT_OPERATOR_AND))
			break;
		if (!expect_operand(parser, take(parser)))
			return false;
	}
	conjunction->comparisons = comparisons.items;
	conjunction->count = comparisons.count;
	return true;
}

static const struct moat_ast_condition *parse_disjunction(struct parser *parser)
{
	struct moat_ast_condition *condition = moat_arena_alloc(parser->arena, sizeof(*condition));
	struct moat_vector conjunctions = {0};

	if (!condition) {
		parser->out_of_memory = true;
		return NULL;
	}
	for (;;) {
		struct moat_ast_conjunction *conjunction =
		        push(parser, &conjunctions, sizeof(*conjunction));

		if (!conjunction || !parse_conjunction(parser, conjunction))
			return NULL;
		if (!is_operator(current(parser), MOAT_OPERATOR_OR))
			break;
		if (!expect_operand(parser, take(parser)))
			return NULL;
	}
	if (!at_end_of_statement(parser)) {
		parse_error(parser, &current(parser)->location,
		            "expected '&&', '||' or the end of the condition, found '%s'",
		            describe(current(parser)));
		return NULL;
	}
	condition->conjunctions = conjunctions.items;
	condition->count = conjunctions.count;
	return condition;
}

/* ---- statements ------------------------------------------------------ */

/*
 * The words of a statement. Tokens written without blanks between them form
 * one word, so a path or a list such as `read-file,ioctl-dev` stays whole,
 * and a blank ends a word even before a comma.
 */
static bool parse_arguments(struct parser *parser, struct moat_ast_statement *statement)
{
	struct moat_vector words = {0};
	struct moat_ast_word *last = NULL;

	while (!at_end_of_statement(parser)) {
		const struct moat_token *token = take(parser);
		bool comma = is_operator(token, MOAT_OPERATOR_COMMA);

		if (token->kind == MOAT_TOKEN_OPERATOR && !comma) {
			parse_error(parser, &token->location, "unexpected '%s' in this statement",
			            token->text);
			return false;
		}
		if (last && !last->quoted && token->kind != MOAT_TOKEN_STRING && token->joined) {
			size_t length = strlen(last->text) + strlen(token->text);
			char *joined = moat_arena_alloc(parser->arena, length + 1);

			if (!joined) {
				parser->out_of_memory = true;
				return false;
			}
			strcpy(joined, last->text);
			strcat(joined, token->text);
			last->text = joined;
			continue;
		}
		/* A word may hold commas, and start with one. */
		last = push(parser, &words, sizeof(*last));
		if (!last)
			return false;
		*last = word_of(token);
	}
	statement->arguments = words.items;
	statement->argument_count = words.count;
	return true;
}

static bool parse_action(struct parser *parser, struct moat_ast_statement *statement)
{
	const struct moat_token *keyword = take(parser);

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(keyword->text, actions[i].keyword) != 0)
			continue;
		statement->action.kind = actions[i].kind;
		if (actions[i].kind != MOAT_ACTION_ERRNO)
			return true;
		if (current(parser)->kind != MOAT_TOKEN_WORD) {
			parse_error(parser, &keyword->location, "%s",
			            "'errno' needs an error name or number, as in `errno EPERM`");
			return false;
		}
		statement->errno_word = word_of(take(parser));
		return true;
	}
	parse_error(parser, &keyword->location,
	            "unknown action '%s' (allow kill kill-thread trap log errno notify)",
	            keyword->text);
	return false;
}

static bool parse_targets(struct parser *parser, struct moat_ast_statement *statement)
{
	struct moat_vector targets = {0};

	while (!at_end_of_statement(parser) && !is_word(current(parser), "if")) {
		const struct moat_token *token = take(parser);
		struct moat_ast_word *target;

		if (is_operator(token, MOAT_OPERATOR_COMMA))
			continue;
		if (token->kind != MOAT_TOKEN_WORD) {
			parse_error(parser, &token->location,
			            "expected a syscall name or @group, found '%s'",
			            describe(token));
			return false;
		}
		target = push(parser, &targets, sizeof(*target));
		if (!target)
			return false;
		*target = word_of(token);
	}
	if (targets.count == 0) {
		parse_error(parser, &statement->keyword.location,
		            "'%s' needs at least one syscall name or @group",
		            statement->keyword.text);
		return false;
	}
	statement->arguments = targets.items;
	statement->argument_count = targets.count;
	return true;
}

static bool parse_syscall_statement(struct parser *parser, struct moat_ast_statement *statement)
{
	bool is_default = is_word(current(parser), "default");

	if (is_default) {
		statement->kind = MOAT_AST_DEFAULT;
		take(parser);
		if (at_end_of_statement(parser)) {
			parse_error(parser, &statement->keyword.location, "%s",
			            "'default' needs an action, as in `default errno EPERM`");
			return false;
		}
	} else {
		statement->kind = MOAT_AST_SYSCALL_RULE;
	}
	if (!parse_action(parser, statement))
		return false;
	if (is_default) {
		if (!at_end_of_statement(parser)) {
			parse_error(parser, &current(parser)->location,
			            "unexpected '%s' after the default action",
			            describe(current(parser)));
			return false;
		}
		return true;
	}
	if (!parse_targets(parser, statement))
		return false;
	if (at_end_of_statement(parser))
		return true;
	take(parser); /* `if` */
	if (at_end_of_statement(parser)) {
		parse_error(parser, &parser->tokens[parser->position - 1].location, "%s",
		            "'if' must be followed by a condition");
		return false;
	}
	statement->condition = parse_disjunction(parser);
	return statement->condition != NULL;
}

static bool check_arity(struct parser *parser, const struct moat_ast_statement *statement,
                        unsigned minimum, unsigned maximum, const char *usage)
{
	/* Too many: the first word too many is the offending one. */
	const struct moat_location *at = statement->argument_count > maximum
	                                         ? &statement->arguments[maximum].location
	                                         : &statement->keyword.location;

	if (statement->argument_count >= minimum && statement->argument_count <= maximum)
		return true;
	parse_error(parser, at, "wrong number of arguments; use `%s`", usage);
	return false;
}

static bool parse_setting(struct parser *parser, struct moat_ast_statement *statement)
{
	const char *keyword = statement->keyword.text;

	statement->kind = MOAT_AST_SETTING;
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (settings[i].section != parser->section || strcmp(settings[i].keyword, keyword))
			continue;
		take(parser);
		if (!parse_arguments(parser, statement))
			return false;
		return check_arity(parser, statement, settings[i].minimum, settings[i].maximum,
		                   settings[i].usage);
	}
	parse_error(parser, &statement->keyword.location, "unknown statement '%s' in [%s]", keyword,
	            section_names[parser->section]);
	return false;
}

static bool parse_top_level(struct parser *parser, struct moat_ast_statement *statement)
{
	const char *keyword = statement->keyword.text;

	if (!strcmp(keyword, "include"))
		statement->kind = MOAT_AST_INCLUDE;
	else if (!strcmp(keyword, "compat"))
		statement->kind = MOAT_AST_COMPAT;
	else
		statement->kind = MOAT_AST_VERSION;
	take(parser);
	if (!parse_arguments(parser, statement))
		return false;
	if (statement->kind == MOAT_AST_INCLUDE)
		return check_arity(parser, statement, 1, 1, "include NAME | include \"PATH\"");
	if (statement->kind == MOAT_AST_COMPAT)
		return check_arity(parser, statement, 1, 1, "compat strict|best-effort");
	return check_arity(parser, statement, 1, 1, "moat 1");
}

static bool is_top_level_keyword(const char *keyword)
{
	return !strcmp(keyword, "moat") || !strcmp(keyword, "include") ||
	       !strcmp(keyword, "compat");
}

static bool parse_section_header(struct parser *parser, struct moat_ast_statement *statement)
{
	const struct moat_token *token = take(parser);

	statement->kind = MOAT_AST_SECTION;
	statement->keyword = word_of(token);
	for (size_t i = MOAT_SECTION_SYSCALLS; i <= MOAT_SECTION_BROKER; i++) {
		if (!strcmp(token->text, section_names[i])) {
			parser->section = (enum moat_ast_section)i;
			statement->section = parser->section;
			break;
		}
	}
	if (statement->section == MOAT_SECTION_NONE) {
		parse_error(parser, &token->location,
		            "unknown section [%s] (syscalls filesystem network namespaces "
		            "mounts limits process broker)",
		            token->text);
		/* The statements that follow belong to no section we know; skip them quietly. */
		parser->section = MOAT_SECTION_NONE;
		return false;
	}
	if (!at_end_of_statement(parser)) {
		parse_error(parser, &current(parser)->location,
		            "unexpected '%s' after the section header", describe(current(parser)));
		return false;
	}
	return true;
}

static bool parse_statement_body(struct parser *parser, struct moat_ast_statement *statement)
{
	const struct moat_token *first = current(parser);

	if (first->kind == MOAT_TOKEN_SECTION)
		return parse_section_header(parser, statement);
	if (first->kind != MOAT_TOKEN_WORD) {
		parse_error(parser, &first->location, "expected a statement, found '%s'",
		            describe(first));
		return false;
	}
	statement->keyword = word_of(first);
	if (is_top_level_keyword(first->text))
		return parse_top_level(parser, statement);
	switch (parser->section) {
	case MOAT_SECTION_NONE:
		parse_error(parser, &first->location,
		            "'%s' outside a section; put it under a header such as [syscalls]",
		            first->text);
		return false;
	case MOAT_SECTION_SYSCALLS:
		return parse_syscall_statement(parser, statement);
	default:
		return parse_setting(parser, statement);
	}
}

/* `moat 1` must open every file, and only there. */
static void check_version(struct parser *parser, const struct moat_ast_statement *statement)
{
	bool first = parser->statements_seen == 0;

	if (statement->kind != MOAT_AST_VERSION) {
		if (first)
			parse_error(parser, &statement->keyword.location, "%s",
			            "a policy must begin with `moat 1` (its format version)");
		return;
	}
	if (!first) {
		parse_error(parser, &statement->keyword.location, "%s",
		            "`moat N` must be the first statement of the file");
		return;
	}
	if (strcmp(statement->arguments[0].text, "1") != 0)
		parse_error(parser, &statement->arguments[0].location,
		            "unknown policy format '%s'; this moat reads format 1",
		            statement->arguments[0].text);
}

int moat_parse(struct moat_ast_file *file, struct moat_arena *arena,
               const struct moat_token_list *tokens, const struct moat_source *source,
               struct moat_diagnostics *diagnostics)
{
	struct parser parser = {tokens->tokens, 0, source, diagnostics, arena};
	struct moat_vector statements = {0};

	while (current(&parser)->kind != MOAT_TOKEN_END && !parser.out_of_memory) {
		struct moat_ast_statement statement = {.section = parser.section};
		bool skipping = parser.section == MOAT_SECTION_NONE && parser.failed &&
		                current(&parser)->kind == MOAT_TOKEN_WORD &&
		                !is_top_level_keyword(current(&parser)->text);
		struct moat_ast_statement *slot;

		if (current(&parser)->kind == MOAT_TOKEN_NEWLINE) {
			take(&parser);
			continue;
		}
		if (skipping || !parse_statement_body(&parser, &statement)) {
			skip_statement(&parser);
			parser.statements_seen++;
			continue;
		}
		check_version(&parser, &statement);
		parser.statements_seen++;
		slot = push(&parser, &statements, sizeof(*slot));
		if (slot)
			*slot = statement;
	}
	if (parser.statements_seen == 0) {
		struct moat_location start = {source->name, 1, 1};

		parse_error(&parser, &start, "%s",
		            "empty policy: a policy must begin with `moat 1` (its format version)");
	}
	if (parser.out_of_memory)
		return -ENOMEM;
	file->statements = statements.items;
	file->count = statements.count;
	return parser.failed ? -EINVAL : 0;
}

int moat_parse_condition(const struct moat_ast_condition **condition, struct moat_arena *arena,
                         const struct moat_token_list *tokens, const struct moat_source *source,
                         struct moat_diagnostics *diagnostics)
{
	struct parser parser = {tokens->tokens, 0, source, diagnostics, arena};

	*condition = parse_disjunction(&parser);
	if (parser.out_of_memory)
		return -ENOMEM;
	return *condition && !parser.failed ? 0 : -EINVAL;
}

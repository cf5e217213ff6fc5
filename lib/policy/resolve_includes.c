// SPDX-License-Identifier: MIT
/*
 * The include graph: every policy file read and parsed once, however often
 * it is included, and the one place where each file takes effect.
 *
 * Includes expand in place, so a file included twice would stand twice in
 * the expanded policy, and its later copy would override whatever came
 * between the two. moat keeps only that last copy: a file takes effect at
 * its last include, and its earlier includes add nothing. `include A` then
 * `include B`, where A included B already, thus puts B after A, and B's
 * statements override A's, as the later include asks. Keeping one copy
 * keeps the work linear however the files share bases, and a file's own
 * statements (its conflicts, its repeated rules) are seen once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/lexer.h"
#include "policy/parser.h"
#include "policy/resolve.h"
#include "policy/search.h"

/* Deeper nesting than this is a mistake, most likely a runaway generator. */
#define MAXIMUM_INCLUDE_DEPTH 16

/* `include NAME`: NAME.policy in each search directory, then the installed ones. */
static char *search_policy(struct moat_resolver *resolver, const char *name)
{
	char found[4096];

	if (!moat_policy_search(resolver->search_path, name, found, sizeof(found)))
		return NULL;
	return moat_arena_strdup(resolver->arena, found);
}

static bool is_relative_include(const struct moat_ast_word *word, const char *name)
{
	size_t length = strlen(name);

	return word->quoted &&
	       (strchr(name, '/') || (length > 7 && !strcmp(name + length - 7, ".policy")));
}

static char *include_path(struct moat_resolver *resolver, const struct moat_ast_word *word,
                          const char *name)
{
	char joined[4096];
	char *found;

	if (is_relative_include(word, name)) {
		if (name[0] == '/' || !strcmp(resolver->source->directory, "."))
			return moat_arena_strdup(resolver->arena, name);
		snprintf(joined, sizeof(joined), "%s/%s", resolver->source->directory, name);
		return moat_arena_strdup(resolver->arena, joined);
	}
	found = search_policy(resolver, name);
	if (!found)
		moat_resolve_error(resolver, &word->location,
		                   "no policy named '%s' in MOAT_POLICY_PATH (%s) or %s", name,
		                   resolver->search_path ? resolver->search_path : "unset",
		                   MOAT_POLICY_DIR);
	return found;
}

/* The file already read with this identity; text handed over in memory has none. */
static struct moat_policy_file *known_file(const struct moat_resolver *resolver, dev_t device,
                                           ino_t inode)
{
	struct moat_policy_file *const *files = resolver->files.items;

	if (!device && !inode)
		return NULL;
	for (size_t i = 0; i < resolver->files.count; i++) {
		if (files[i]->source->device == device && files[i]->source->inode == inode)
			return files[i];
	}
	return NULL;
}

static struct moat_policy_file *load_file(struct moat_resolver *resolver,
                                          struct moat_source *source);

/*
 * A file read before, included again. Only the chain that reached it first
 * was measured, so the depth is checked again through this include.
 */
static struct moat_policy_file *include_again(struct moat_resolver *resolver,
                                              struct moat_policy_file *known,
                                              const struct moat_ast_word *word, const char *path)
{
	if (known->loading) {
		moat_resolve_error(resolver, &word->location, "'%s' includes itself (a cycle)",
		                   path);
		return NULL;
	}
	if (resolver->source->depth + 1 + known->height > MAXIMUM_INCLUDE_DEPTH) {
		moat_resolve_error(resolver, &word->location,
		                   "includes nested deeper than %d files (through '%s')",
		                   MAXIMUM_INCLUDE_DEPTH, path);
		return NULL;
	}
	return known;
}

/* The file that an `include` statement of the current file names, or NULL after an error. */
static struct moat_policy_file *include_target(struct moat_resolver *resolver,
                                               const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *word = &statement->arguments[0];
	const char *name = moat_resolve_text(resolver, word);
	struct moat_policy_file *known;
	struct moat_source *included;
	struct stat status;
	char *path;
	int result;

	if (!name || !(path = include_path(resolver, word, name)))
		return NULL;
	if (resolver->source->depth + 1 > MAXIMUM_INCLUDE_DEPTH) {
		moat_resolve_error(resolver, &word->location,
		                   "includes nested deeper than %d files", MAXIMUM_INCLUDE_DEPTH);
		return NULL;
	}
	if (stat(path, &status) == 0 &&
	    (known = known_file(resolver, status.st_dev, status.st_ino)))
		return include_again(resolver, known, word, path);
	result = moat_source_read(&included, resolver->arena, path, resolver->source,
	                          &statement->keyword.location);
	if (result == -ENOMEM) {
		resolver->out_of_memory = true;
		return NULL;
	}
	if (result < 0) {
		moat_resolve_error(resolver, &word->location, "cannot read '%s': %s", path,
		                   strerror(-result));
		return NULL;
	}
	/* stat and the read may disagree when the file was replaced in between. */
	known = known_file(resolver, included->device, included->inode);
	if (known)
		return include_again(resolver, known, word, path);
	return load_file(resolver, included);
}

static void follow_includes(struct moat_resolver *resolver, struct moat_policy_file *file)
{
	const struct moat_source *outer = resolver->source;

	resolver->source = file->source;
	file->loading = true;
	for (size_t i = 0; i < file->syntax.count && !resolver->out_of_memory; i++) {
		struct moat_policy_file *target;

		if (file->syntax.statements[i].kind != MOAT_AST_INCLUDE)
			continue;
		target = include_target(resolver, &file->syntax.statements[i]);
		file->includes[i] = target;
		if (target && target->height + 1 > file->height)
			file->height = target->height + 1;
	}
	file->loading = false;
	resolver->source = outer;
}

static bool parse_file(struct moat_resolver *resolver, struct moat_policy_file *file)
{
	struct moat_token_list tokens;
	int parsed;

	if (moat_lex(&tokens, resolver->arena, file->source, resolver->diagnostics) == -ENOMEM)
		return false;
	parsed = moat_parse(&file->syntax, resolver->arena, &tokens, file->source,
	                    resolver->diagnostics);
	moat_token_list_release(&tokens);
	return parsed != -ENOMEM;
}

/* Reads one file and, depth first, every file it includes that was not read yet. */
static struct moat_policy_file *load_file(struct moat_resolver *resolver,
                                          struct moat_source *source)
{
	struct moat_policy_file *file = moat_resolve_alloc(resolver, sizeof(*file));
	struct moat_policy_file **slot;

	if (!file)
		return NULL;
	file->source = source;
	slot = moat_resolve_push(resolver, &resolver->files, sizeof(*slot));
	if (!slot)
		return NULL;
	*slot = file;
	if (!parse_file(resolver, file)) {
		resolver->out_of_memory = true;
		return NULL;
	}
	/* What parsed is resolved, so that one run shows the errors of every stage. */
	if (file->syntax.count) {
		file->includes =
		        moat_resolve_alloc(resolver, file->syntax.count * sizeof(*file->includes));
		if (!file->includes)
			return NULL;
	}
	follow_includes(resolver, file);
	return file;
}

void moat_resolve_load_files(struct moat_resolver *resolver, struct moat_source *const *sources,
                             size_t count, struct moat_policy_file **roots)
{
	for (size_t i = 0; i < count && !resolver->out_of_memory; i++) {
		roots[i] = known_file(resolver, sources[i]->device, sources[i]->inode);
		if (!roots[i])
			roots[i] = load_file(resolver, sources[i]);
	}
}

/*
 * Walking the expanded policy backwards, the first copy of a file met is its
 * last one. A file met again is skipped with everything it includes: those
 * files stand in its later copy too, so they were placed already.
 */
static void place(struct moat_policy_file *file, const struct moat_policy_file *in, size_t at)
{
	if (file->placed)
		return;
	file->placed = true;
	file->placed_in = in;
	file->placed_at = at;
	for (size_t i = file->syntax.count; i-- > 0;) {
		if (file->includes[i])
			place(file->includes[i], file, i);
	}
}

void moat_resolve_place_files(struct moat_policy_file *const *roots, size_t count)
{
	for (size_t i = count; i-- > 0;) {
		if (roots[i])
			place(roots[i], NULL, i);
	}
}

bool moat_resolve_takes_effect_at(const struct moat_policy_file *file,
                                  const struct moat_policy_file *in, size_t at)
{
	return file && file->placed && file->placed_in == in && file->placed_at == at;
}

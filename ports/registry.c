/* SPDX-License-Identifier: MIT */
/*
 * The port registry: built-in ports by name, loadable ports by path, and
 * the capabilities a port can actually deliver.
 */
#include <kallocspec/port.h>

#include <dlfcn.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The built-in ports, in the order `kallocspec ports` lists them: generated
 * by CMake (kallocspec_add_port / kallocspec_register_builtin_port in
 * cmake/KallocspecPort.cmake), so adding a port needs no edit here. */
#include "kas_builtin_ports.h"

static const struct kas_port *const builtin_ports[] = {
	KAS_BUILTIN_PORT_LIST
};

#define N_BUILTIN (sizeof(builtin_ports) / sizeof(builtin_ports[0]))

/* The size of struct kas_port at ABI 1.0; later minors only append. */
#define KAS_PORT_SIZE_1_0 \
	(offsetof(struct kas_port, is_vmalloc_addr) + sizeof(((struct kas_port *)0)->is_vmalloc_addr))

size_t kas_builtin_port_count(void)
{
	return N_BUILTIN;
}

const struct kas_port *kas_builtin_port_at(size_t i)
{
	return i < N_BUILTIN ? builtin_ports[i] : NULL;
}

static const struct {
	uint32_t bit;
	const char *name;
} cap_names[] = {
	{ KAS_CAP_KMALLOC, "kmalloc" },
	{ KAS_CAP_KMALLOC_ARRAY, "kmalloc_array" },
	{ KAS_CAP_KREALLOC, "krealloc" },
	{ KAS_CAP_KSIZE, "ksize" },
	{ KAS_CAP_ROUNDUP, "roundup" },
	{ KAS_CAP_KFREE_SENSITIVE, "kfree_sensitive" },
	{ KAS_CAP_VMALLOC, "vmalloc" },
	{ KAS_CAP_KVMALLOC, "kvmalloc" },
	{ KAS_CAP_CACHE, "cache" },
	{ KAS_CAP_CACHE_USERCOPY, "cache_usercopy" },
	{ KAS_CAP_BULK, "bulk" },
	{ KAS_CAP_PAGES, "pages" },
	{ KAS_CAP_OVERFLOW, "overflow" },
	{ KAS_CAP_VREALLOC, "vrealloc" },
	{ KAS_CAP_KVREALLOC, "kvrealloc" },
	{ KAS_CAP_OBS_PHYS, "obs_phys" },
	{ KAS_CAP_OBS_VMADDR, "obs_vmaddr" },
	{ KAS_CAP_WORLD, "world" },
	{ KAS_CAP_THREADS, "threads" },
	{ KAS_CAP_RCU, "rcu" },
	{ KAS_CAP_USERCOPY, "usercopy" },
	{ KAS_CAP_OBS_WARN, "obs_warn" },
	{ KAS_CAP_OBS_ZONE, "obs_zone" },
	{ KAS_CAP_RCU_HEAD, "rcu_head" },
	{ KAS_CAP_WARN_STDERR, "warn_stderr" },
};

const char *kas_cap_name(uint32_t cap)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (cap_names[i].bit == cap)
			return cap_names[i].name;
	return NULL;
}

/* The functions of each API group, for saying which ones a port lacks. */
struct group_fn {
	uint32_t cap;
	const char *name;
	size_t off, size;
};
#define FN(cap, field) \
	{ cap, #field, offsetof(struct kas_port, field), sizeof(((struct kas_port *)0)->field) }
static const struct group_fn group_fns[] = {
	FN(KAS_CAP_KMALLOC, kmalloc), FN(KAS_CAP_KMALLOC, kzalloc), FN(KAS_CAP_KMALLOC, kfree),
	FN(KAS_CAP_KMALLOC_ARRAY, kmalloc_array), FN(KAS_CAP_KMALLOC_ARRAY, kcalloc),
	FN(KAS_CAP_KREALLOC, krealloc), FN(KAS_CAP_KREALLOC, krealloc_array),
	FN(KAS_CAP_KSIZE, ksize), FN(KAS_CAP_ROUNDUP, kmalloc_size_roundup),
	FN(KAS_CAP_KFREE_SENSITIVE, kfree_sensitive),
	FN(KAS_CAP_VMALLOC, vmalloc), FN(KAS_CAP_VMALLOC, vzalloc), FN(KAS_CAP_VMALLOC, vfree),
	FN(KAS_CAP_VMALLOC, vmalloc_gfp), FN(KAS_CAP_VMALLOC, vmalloc_node_align),
	FN(KAS_CAP_KVMALLOC, kvmalloc), FN(KAS_CAP_KVMALLOC, kvzalloc),
	FN(KAS_CAP_KVMALLOC, kvmalloc_array), FN(KAS_CAP_KVMALLOC, kvcalloc),
	FN(KAS_CAP_KVMALLOC, kvfree),
	FN(KAS_CAP_CACHE, kmem_cache_create), FN(KAS_CAP_CACHE, kmem_cache_alloc),
	FN(KAS_CAP_CACHE, kmem_cache_zalloc), FN(KAS_CAP_CACHE, kmem_cache_free),
	FN(KAS_CAP_CACHE, kmem_cache_destroy),
	FN(KAS_CAP_CACHE_USERCOPY, kmem_cache_create_usercopy),
	FN(KAS_CAP_BULK, kmem_cache_alloc_bulk), FN(KAS_CAP_BULK, kmem_cache_free_bulk),
	FN(KAS_CAP_BULK, kfree_bulk),
	FN(KAS_CAP_PAGES, alloc_pages), FN(KAS_CAP_PAGES, free_pages_page),
	FN(KAS_CAP_PAGES, get_free_pages), FN(KAS_CAP_PAGES, get_zeroed_page),
	FN(KAS_CAP_PAGES, free_pages), FN(KAS_CAP_PAGES, alloc_pages_exact),
	FN(KAS_CAP_PAGES, free_pages_exact),
	FN(KAS_CAP_OVERFLOW, size_mul), FN(KAS_CAP_OVERFLOW, size_add), FN(KAS_CAP_OVERFLOW, size_sub),
	FN(KAS_CAP_OVERFLOW, array_size), FN(KAS_CAP_OVERFLOW, array3_size),
	FN(KAS_CAP_OVERFLOW, struct_size),
	FN(KAS_CAP_VREALLOC, vrealloc), FN(KAS_CAP_KVREALLOC, kvrealloc),
	FN(KAS_CAP_RCU, kfree_rcu), FN(KAS_CAP_RCU, kvfree_rcu),
	FN(KAS_CAP_USERCOPY, usercopy_check), FN(KAS_CAP_RCU_HEAD, kvfree_rcu_arg_2),
};
#undef FN

static bool has_fn(const struct kas_port *p, const struct group_fn *g)
{
	void *fn = NULL;

	if (p->table_size < g->off + g->size)
		return false;
	memcpy(&fn, (const char *)p + g->off, sizeof(fn));
	return fn != NULL;
}

size_t kas_port_missing(const struct kas_port *p, uint32_t caps, char *buf, size_t len)
{
	uint32_t miss = p ? caps & ~kas_port_effective_caps(p) : caps;
	size_t n = 0;

#define OUT(...) (n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__))
	if (len)
		buf[0] = '\0';
	if (!p || !miss)
		return 0;
	bool first = true;
	uint32_t listed = 0;
	for (size_t i = 0; i < sizeof(group_fns) / sizeof(group_fns[0]); i++) {
		const struct group_fn *g = &group_fns[i];
		if ((miss & g->cap) && !has_fn(p, g)) {
			OUT("%s%s", first ? "no " : ", ", g->name);
			first = false;
			listed |= g->cap;
		}
	}
	/* observations, and groups whose functions are all there but which the
	 * port does not declare */
	uint32_t undeclared = miss & ~p->caps & ~listed;
	first = true;
	for (unsigned bit = 0; bit < 32; bit++) {
		uint32_t c = 1u << bit;
		if (!(undeclared & c))
			continue;
		OUT("%s%s", first ? (n ? "; not declared: " : "not declared: ") : ", ",
		    kas_cap_name(c) ? kas_cap_name(c) : "?");
		first = false;
	}
#undef OUT
	return n;
}

size_t kas_caps_format(uint32_t caps, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned bit = 0; bit < 32; bit++) {
		uint32_t c = 1u << bit;
		const char *name;
		char hex[16];
		int w;

		if (!(caps & c))
			continue;
		name = kas_cap_name(c);
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%x", c);
			name = hex;
		}
		w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%s%s",
			     n ? "," : "", name);
		n += (size_t)w;
	}
	if (n == 0)
		n = (size_t)snprintf(buf, len, "none");
	return n;
}

/*
 * A group is usable when the functions its rules cannot do without are
 * present.  Optional members (kzalloc next to kmalloc, ...) only make their
 * own ops UNSUPPORTED, which the harness reports per op.
 */
uint32_t kas_port_effective_caps(const struct kas_port *p)
{
	uint32_t caps;

	if (!p)
		return 0;
	caps = p->caps;
	/* warnings read from stderr are the warn observation */
	if (caps & KAS_CAP_WARN_STDERR)
		caps |= KAS_CAP_OBS_WARN;
#define NEED(cap, cond) do { if (!(cond)) caps &= ~(uint32_t)(cap); } while (0)
	NEED(KAS_CAP_KMALLOC, p->kmalloc && p->kfree);
	NEED(KAS_CAP_KMALLOC_ARRAY, p->kmalloc_array && p->kcalloc && p->kfree);
	NEED(KAS_CAP_KREALLOC, p->krealloc && p->kfree);
	NEED(KAS_CAP_KSIZE, p->ksize);
	NEED(KAS_CAP_ROUNDUP, p->kmalloc_size_roundup);
	NEED(KAS_CAP_KFREE_SENSITIVE, p->kfree_sensitive);
	NEED(KAS_CAP_VMALLOC, p->vmalloc && p->vfree);
	NEED(KAS_CAP_KVMALLOC, p->kvmalloc && p->kvfree);
	/* kmem_cache_destroy is optional: Linux's own tools/ shim has none.
	 * Without it destroy ops are UNSUPPORTED and teardown leaks the cache;
	 * the one rule about destroy (CACHE-3) also needs KAS_CAP_OBS_WARN. */
	NEED(KAS_CAP_CACHE, p->kmem_cache_create && p->kmem_cache_alloc && p->kmem_cache_free);
	NEED(KAS_CAP_CACHE_USERCOPY, p->kmem_cache_create_usercopy && p->kmem_cache_alloc &&
				     p->kmem_cache_free && p->kmem_cache_destroy);
	NEED(KAS_CAP_BULK, p->kmem_cache_alloc_bulk && p->kmem_cache_free_bulk);
	NEED(KAS_CAP_PAGES, (p->alloc_pages && p->free_pages_page) ||
			    (p->get_free_pages && p->free_pages));
	NEED(KAS_CAP_OVERFLOW, p->size_mul || p->size_add || p->size_sub || p->array_size ||
			       p->array3_size || p->struct_size);
	NEED(KAS_CAP_VREALLOC, p->vrealloc && p->vfree);
	NEED(KAS_CAP_KVREALLOC, p->kvrealloc && p->kvfree);
	NEED(KAS_CAP_OBS_PHYS, p->virt_to_phys);
	NEED(KAS_CAP_OBS_VMADDR, p->is_vmalloc_addr);
	NEED(KAS_CAP_RCU, KAS_PORT_HAS(p, kfree_rcu) || KAS_PORT_HAS(p, kvfree_rcu));
	NEED(KAS_CAP_USERCOPY, KAS_PORT_HAS(p, usercopy_check));
	NEED(KAS_CAP_OBS_ZONE, KAS_PORT_HAS(p, page_zone));
	NEED(KAS_CAP_RCU_HEAD, KAS_PORT_HAS(p, kvfree_rcu_arg_2));
#undef NEED
	return caps;
}

static bool looks_like_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n >= 3 && strcmp(s + n - 3, ".so") == 0);
}

enum { PROBE_LOADED = 0, PROBE_NOT_A_PORT = 100 };
#define PROBE_TIMEOUT_MS 30000

/* A port's own code runs as soon as it is loaded (its constructors, its
 * entry point).  Run that first in a child: a port that crashes, aborts,
 * exits or hangs while loading must not take kallocspec down.  0 when the
 * child loaded it (or could not tell: the caller loads it and says why);
 * -1 with err when loading killed or stopped the child. */
static int probe_load(const char *path, char *err, size_t errlen)
{
	typedef const struct kas_port *(*entry_fn)(void);
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;   /* no child to spare: load in this process, as before */
	if (pid == 0) {
		void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		entry_fn entry;

		if (!dl)
			_exit(PROBE_NOT_A_PORT);
		*(void **)&entry = dlsym(dl, KAS_PORT_SYMBOL);
		if (!entry)
			_exit(PROBE_NOT_A_PORT);
		(void)entry();
		_exit(PROBE_LOADED);
	}
	for (int waited_ms = 0;; waited_ms += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 0;
		if (waited_ms >= PROBE_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errlen, "%s: the port did not finish loading in %d s", path,
				 PROBE_TIMEOUT_MS / 1000);
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s: the port crashed while loading (%s)", path,
			 strsignal(WTERMSIG(status)));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != PROBE_LOADED &&
	    WEXITSTATUS(status) != PROBE_NOT_A_PORT) {
		snprintf(err, errlen, "%s: the port exited with status %d while loading", path,
			 WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

static const struct kas_port *load_port(const char *path, char *err, size_t errlen,
					bool *crashed)
{
	typedef const struct kas_port *(*entry_fn)(void);
	struct stat st;
	void *dl;
	entry_fn entry;
	const struct kas_port *port;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: cannot load port: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot load port: is a directory", path);
		return NULL;
	}
	if (probe_load(path, err, errlen) != 0) {
		if (crashed)
			*crashed = true;
		return NULL;
	}
	/* Never closed: the port's functions and strings stay in use until exit. */
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *why = dlerror();

		snprintf(err, errlen, "%s: cannot load port: %s", path, why ? why : "dlopen failed");
		return NULL;
	}
	dlerror();
	*(void **)&entry = dlsym(dl, KAS_PORT_SYMBOL);
	if (!entry) {
		snprintf(err, errlen, "%s: not a kallocspec port: no symbol '%s'", path,
			 KAS_PORT_SYMBOL);
		dlclose(dl);
		return NULL;
	}
	port = entry();
	if (!port) {
		snprintf(err, errlen, "%s: %s() returned NULL", path, KAS_PORT_SYMBOL);
		dlclose(dl);
		return NULL;
	}
	if (KAS_PORT_ABI_MAJOR(port->abi_version) != KAS_PORT_ABI_MAJOR(KAS_PORT_ABI_VERSION)) {
		snprintf(err, errlen, "%s: port ABI version %u.%u, kallocspec needs %u.x", path,
			 KAS_PORT_ABI_MAJOR(port->abi_version), port->abi_version & 0xffffu,
			 KAS_PORT_ABI_MAJOR(KAS_PORT_ABI_VERSION));
		dlclose(dl);
		return NULL;
	}
	if (port->table_size < KAS_PORT_SIZE_1_0) {
		snprintf(err, errlen, "%s: struct kas_port is %u bytes, at least %zu expected", path,
			 port->table_size, (size_t)KAS_PORT_SIZE_1_0);
		dlclose(dl);
		return NULL;
	}
	return port;
}

const struct kas_port *kas_port_open(const char *name_or_path, char *err, size_t errlen)
{
	return kas_port_load(name_or_path, err, errlen, NULL);
}

const struct kas_port *kas_port_load(const char *name_or_path, char *err, size_t errlen,
				     bool *crashed)
{
	char names[256];
	size_t n = 0;

	if (errlen)
		err[0] = '\0';
	if (!name_or_path || !*name_or_path) {
		snprintf(err, errlen, "no port given");
		return NULL;
	}
	if (looks_like_path(name_or_path))
		return load_port(name_or_path, err, errlen, crashed);
	for (size_t i = 0; i < N_BUILTIN; i++)
		if (strcmp(builtin_ports[i]->name, name_or_path) == 0)
			return builtin_ports[i];

	names[0] = '\0';
	for (size_t i = 0; i < N_BUILTIN && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "",
				      builtin_ports[i]->name);
	snprintf(err, errlen, "unknown port '%s' (built-in ports: %s; or a path to a .so)",
		 name_or_path, names);
	return NULL;
}

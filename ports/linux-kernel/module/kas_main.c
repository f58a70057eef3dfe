// SPDX-License-Identifier: GPL-2.0
/*
 * kas_oracle: replays kallocspec traces inside the real kernel.
 *
 * The host (ports/linux-kernel/kas-kernel) turns a .ktrace into "wire"
 * lines with every argument resolved (see kas_wire.h) and writes them into
 * /sys/kernel/debug/kas_oracle; each complete line runs as it arrives
 * (a line split across writes waits for its end).  Every op appends one
 * result line to a buffer that reading the same file returns (and closing
 * the reader clears).  Before each op a "kas: op T.I" marker goes to the
 * kernel log so the host can attribute WARNING/BUG lines to trace ops.
 *
 * The module observes what the kallocspec harness observes on a port
 * (zeroing, preserved prefix, pattern before free, constructor bytes,
 * is_vmalloc_addr, physical contiguity) with the same content pattern.
 * Frees that would corrupt the kernel (dead handle, wrong family, wrong
 * cache, wrong page order) are refused, never executed.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/uaccess.h>
#include <linux/io.h>
#include "kas_oracle.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kallocspec: replay allocation traces in the real kernel");

static struct kas_state st;

/* ---------------- result buffer ---------------- */

static char *res_buf;
static size_t res_len, res_cap;

void kas_out(const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (res_len + n + 1 > res_cap) {
		size_t cap = res_cap ? res_cap * 2 : 65536;
		char *nb;

		while (cap < res_len + n + 1)
			cap *= 2;
		nb = kvrealloc(res_buf, res_cap, cap, GFP_KERNEL);
		if (!nb)
			return;
		res_buf = nb;
		res_cap = cap;
	}
	memcpy(res_buf + res_len, tmp, n);
	res_len += n;
}

/* ---------------- object bookkeeping ---------------- */

static int grow(void **arr, u32 *cap, u32 need, size_t elem)
{
	u32 n;
	void *p;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 256;
	while (n < need)
		n *= 2;
	p = kvrealloc(*arr, (size_t)*cap * elem, (size_t)n * elem, GFP_KERNEL | __GFP_ZERO);
	if (!p)
		return -ENOMEM;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}

struct kas_slot *kas_slot(u32 i)
{
	if (grow((void **)&st.slots, &st.nslots_cap, i + 1, sizeof(*st.slots)))
		return NULL;
	return &st.slots[i];
}

u32 kas_new_obj(void *p, size_t size, u8 fam, u32 cache, u8 order)
{
	struct kas_obj *o;

	if (grow((void **)&st.objs, &st.nobjs_cap, st.nobjs + 1, sizeof(*st.objs)))
		return KAS_NONE;
	o = &st.objs[st.nobjs];
	o->p = p;
	o->size = size;
	o->fam = fam;
	o->cache = cache;
	o->order = order;
	o->live = 1;
	o->id = ++st.next_id;
	st.live_bytes += size;
	return st.nobjs++;
}

struct kas_obj *kas_obj(u32 i)
{
	return i < st.nobjs ? &st.objs[i] : NULL;
}

void kas_kill_obj(struct kas_obj *o)
{
	if (o->live) {
		o->live = 0;
		st.live_bytes -= o->size;
	}
}

u32 kas_new_cache(struct kmem_cache *c, unsigned int size, bool ctor)
{
	struct kas_cache *k;

	if (grow((void **)&st.caches, &st.ncaches_cap, st.ncaches + 1, sizeof(*st.caches)))
		return KAS_NONE;
	k = &st.caches[st.ncaches];
	k->c = c;
	k->size = size;
	k->ctor = ctor;
	k->live = 1;
	return st.ncaches++;
}

struct kas_cache *kas_cache(u32 i)
{
	return i < st.ncaches ? &st.caches[i] : NULL;
}

struct kas_state *kas_st(void)
{
	return &st;
}

/* ---------------- constructor (same bytes as kas_harness_ctor) ---------------- */

void kas_ctor(void *obj)
{
	memset(obj, KAS_CTOR_BYTE, KAS_CTOR_BYTES);
	st.ctor_calls++;
	if (st.ctor_log_n < KAS_CTOR_LOG)
		st.ctor_log[st.ctor_log_n++] = obj;
}

/* ---------------- teardown: free what a trace left ---------------- */

static void teardown(void)
{
	u32 i;

	for (i = 0; i < st.nobjs; i++) {
		struct kas_obj *o = &st.objs[i];
		struct kas_cache *k;

		if (!o->live)
			continue;
		kas_kill_obj(o);
		switch (o->fam) {
		case KAS_FAM_KMALLOC:
			kfree(o->p);
			break;
		case KAS_FAM_VMALLOC:
		case KAS_FAM_KVMALLOC:
			kvfree(o->p);
			break;
		case KAS_FAM_CACHE:
			k = kas_cache(o->cache);
			if (k && k->live)
				kmem_cache_free(k->c, o->p);
			/* a destroyed (leaked) cache keeps its objects: leak them too */
			break;
		case KAS_FAM_PAGES:
			free_pages((unsigned long)o->p, o->order);
			break;
		}
	}
	for (i = 0; i < st.ncaches; i++)
		if (st.caches[i].live)
			kmem_cache_destroy(st.caches[i].c);
	st.nobjs = st.ncaches = 0;
	memset(st.slots, 0, (size_t)st.nslots_cap * sizeof(*st.slots));
	for (i = 0; i < st.nbulks; i++)
		kvfree(st.bulks[i].objs);
	st.nbulks = 0;
	st.live_bytes = 0;
	st.next_id = 0;
}

u32 kas_new_bulk(u32 *objs, u32 n)
{
	struct kas_bulk *b;

	if (grow((void **)&st.bulks, &st.nbulks_cap, st.nbulks + 1, sizeof(*st.bulks)))
		return KAS_NONE;
	b = &st.bulks[st.nbulks];
	b->objs = objs;
	b->n = n;
	return st.nbulks++;
}

struct kas_bulk *kas_bulk(u32 i)
{
	return i < st.nbulks ? &st.bulks[i] : NULL;
}

/* ---------------- the line protocol ---------------- */

static void run_line(char *line)
{
	if (line[0] == 0 || line[0] == '#')
		return;
	if (line[0] == 'T' && line[1] == ' ') {
		/* T <trace number>: a new trace starts; free the previous one's objects */
		teardown();
		if (kstrtouint(line + 2, 10, &st.trace_no))
			st.trace_no = 0;
		pr_info("kas: trace %u\n", st.trace_no);
		kas_out("T %u\n", st.trace_no);
		return;
	}
	if (line[0] == 'E') {
		teardown();
		pr_info("kas: end %u\n", st.trace_no);
		kas_out("E %u\n", st.trace_no);
		return;
	}
	kas_run_op(line);
}

static char pend[8192];
static size_t pend_len;

static ssize_t kas_write(struct file *f, const char __user *ubuf, size_t len, loff_t *pos)
{
	char chunk[512];
	size_t done = 0;

	while (done < len) {
		size_t n = min(len - done, sizeof(chunk)), i;

		if (copy_from_user(chunk, ubuf + done, n))
			return -EFAULT;
		for (i = 0; i < n; i++) {
			char ch = chunk[i];

			if (ch == '\r')
				continue;
			if (ch == '\n') {
				pend[pend_len] = 0;
				run_line(pend);
				pend_len = 0;
				continue;
			}
			if (pend_len < sizeof(pend) - 1)
				pend[pend_len++] = ch;
		}
		done += n;
	}
	*pos += len;
	return len;
}

static ssize_t kas_read(struct file *f, char __user *ubuf, size_t len, loff_t *pos)
{
	return simple_read_from_buffer(ubuf, len, pos, res_buf, res_len);
}

static int kas_release(struct inode *ino, struct file *f)
{
	/* a reader has taken the results: start the next batch empty */
	if ((f->f_mode & FMODE_READ) && !(f->f_mode & FMODE_WRITE))
		res_len = 0;
	return 0;
}

static const struct file_operations kas_fops = {
	.owner = THIS_MODULE,
	.write = kas_write,
	.read = kas_read,
	.release = kas_release,
	.llseek = default_llseek,
};

static struct dentry *kas_file;

static int __init kas_init(void)
{
	kas_file = debugfs_create_file("kas_oracle", 0600, NULL, NULL, &kas_fops);
	if (IS_ERR_OR_NULL(kas_file))
		return -ENODEV;
	pr_info("kas: oracle ready\n");
	return 0;
}

static void __exit kas_exit(void)
{
	debugfs_remove(kas_file);
	teardown();
	kvfree(st.slots);
	kvfree(st.objs);
	kvfree(st.caches);
	kvfree(st.bulks);
	kvfree(res_buf);
}

module_init(kas_init);
module_exit(kas_exit);

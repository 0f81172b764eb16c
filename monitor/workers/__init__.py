"""Work shared by several machines: procrastinate workers over PostgreSQL (第二十二条: the
watch must keep up with every account, however many)."""

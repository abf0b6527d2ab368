import assert from "node:assert/strict";
import { join } from "node:path";
import { hasVulkanLoader, VULKAN_LOADER } from "./vulkan.ts";

Deno.test("the Vulkan loader is found as the dynamic loader finds it: a folder, or its cache", async () => {
  const root = await Deno.makeTempDir({ prefix: "rnnlab-vulkan-" });
  const [lib, cache] = [join(root, "lib"), join(root, "ld.so.cache")];
  await Deno.mkdir(lib);
  await Deno.writeTextFile(cache, "glibc-ld.so.cache1.1\0libz.so.1\0/lib/libz.so.1\0");
  assert.equal(hasVulkanLoader({ cache, dirs: [lib] }), false);
  assert.equal(hasVulkanLoader({ cache: join(root, "none"), dirs: [] }), false);
  await Deno.writeTextFile(
    cache,
    `glibc-ld.so.cache1.1\0${VULKAN_LOADER}\0/usr/lib/${VULKAN_LOADER}\0`,
  );
  assert.equal(hasVulkanLoader({ cache, dirs: [] }), true);
  await Deno.writeFile(join(lib, VULKAN_LOADER), new Uint8Array(1));
  assert.equal(hasVulkanLoader({ cache: join(root, "none"), dirs: [join(root, "x"), lib] }), true);
  await Deno.remove(root, { recursive: true });
});

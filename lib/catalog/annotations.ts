// The annotations Pave reads, in one pure module so server code, checks and forms share them.

/** Where an entity's docs live: `dir:<folder>` or `url:<folder URL>`. */
export const TECHDOCS_REF = "backstage.io/techdocs-ref";
/** The repository (folder) an entity's source lives in: `url:<tree URL>`. */
export const SOURCE_LOCATION = "backstage.io/source-location";
/** The Unleash project holding a service's flags. */
export const UNLEASH_PROJECT = "unleash.io/project-id";
/** The GitHub repository ("owner/repo") whose delivery events belong to an entity. */
export const GITHUB_PROJECT_SLUG = "github.com/project-slug";

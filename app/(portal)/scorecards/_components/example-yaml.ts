/** The starting point of a new scorecard: small, valid, and showing each part of the format. */
export const EXAMPLE_SCORECARD_YAML = `apiVersion: pave.dev/v1
kind: Scorecard
metadata:
  name: service-basics
  title: Service basics
  description: The minimum every service in the catalog should have.
spec:
  appliesTo:
    kind: [Component]
    type: [service]
  levels:
    - id: bronze
      title: Bronze
    - id: silver
      title: Silver
  rules:
    - id: owned-by-a-team
      title: Owned by a team
      level: bronze
      check: owner-is-group
      howToFix: Set spec.owner in catalog-info.yaml to the group that runs this service.
    - id: has-description
      title: Has a description
      level: bronze
      check: has-description
      howToFix: Add metadata.description to catalog-info.yaml; one sentence on what the service does.
    - id: has-docs
      title: Has docs
      level: silver
      check: has-docs
      howToFix: Add the backstage.io/techdocs-ref annotation (dir:.) and a docs/ folder with an index.md.
`;

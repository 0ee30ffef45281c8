// @ts-check
// TypeDoc plugin: groups the API reference by area. Each top-level symbol gets the category of
// the src/ folder that declares it (src/layers → "Layers", src/heads → "Heads", ...), so the
// ~70 exports of the root entry read as sections instead of one flat list, without a tag in
// every source file. A symbol that already has a @category tag keeps it.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

const TITLES = {
  analysis: 'Analysis (pure, no TensorFlow.js)',
  backend: 'Backend and fast ops',
  diagnostics: 'Diagnostics',
  heads: 'Heads',
  init: 'Initializers',
  layers: 'Layers',
  models: 'Models',
  node: 'Node-only (tiedformer/node)',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    (context) => {
      for (const reflection of context.project.getReflectionsByKind(ReflectionKind.SomeExport)) {
        if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project))
          continue;
        const id = context.project.getSymbolIdFromReflection(reflection);
        const folder = id?.packagePath.match(/(?:^|\/)src\/([^/]+)\//)?.[1];
        const title = folder && TITLES[/** @type {keyof typeof TITLES} */ (folder)];
        if (!title) continue;
        reflection.comment ??= new Comment();
        if (reflection.comment.getTag('@category')) continue;
        reflection.comment.blockTags.push(
          new CommentTag('@category', [{ kind: 'text', text: title }]),
        );
      }
    },
    // Before TypeDoc's own CategoryPlugin reads the tags.
    1000,
  );
}

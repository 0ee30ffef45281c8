export { fileSystem, registerFileSystemRouter } from './file-system.js';
